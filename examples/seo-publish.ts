/**
 * `seo.publish` (category seo): publishes one bucket of CMS entities to a CMS target. Entities
 * without a slug or title, or with a slug that is not URL-safe, fail as items with a message that
 * says what to fix; the rest are published.
 *
 * The target is pluggable (`CmsTarget`); the offline default writes each published document as
 * `<outDir>/<slug>.json`, so the example does real, checkable work without network access.
 */
import { z } from 'zod';
import { defineJob, NonRetryableError } from '../src/index.ts';
import {
  BUNDLED_DATA_DIR,
  type CmsEntity,
  DEFAULT_OUT_ROOT,
  type ExampleFileOptions,
  identifier,
  loadEntities,
  pause,
  relativePath,
  resolveUnder,
  writeFileAtomic,
} from './lib/files.ts';

/** What a CMS receives for one page. */
export interface PublishedDocument {
  id: string;
  slug: string;
  title: string;
  summary: string;
  content: string;
  tags: string[];
  locale: string;
  bucket: string;
  updatedAt: string;
}

export interface CmsTarget {
  /** Shown in logs and the job result. */
  readonly name: string;
  /** Publishes (creates or replaces) one document; must be idempotent, as a resumed attempt may repeat it. */
  publish(doc: PublishedDocument, signal: AbortSignal): Promise<{ location: string }>;
}

/** The offline target: one JSON file per document, replaced atomically, keyed by slug. */
export function fileCmsTarget(dir: string): CmsTarget {
  return {
    name: `files:${dir}`,
    async publish(doc) {
      const path = resolveUnder(dir, `${doc.slug}.json`);
      writeFileAtomic(path, `${JSON.stringify(doc, null, 2)}\n`);
      return { location: path };
    },
  };
}

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** Checks what a CMS needs and names every problem at once, so one fix round is enough. */
export function toDocument(e: CmsEntity): PublishedDocument {
  const problems: string[] = [];
  if (!e.slug?.trim()) problems.push('missing slug');
  else if (!SLUG.test(e.slug)) problems.push(`slug "${e.slug}" is not URL-safe (use a-z, 0-9 and "-")`);
  if (!e.title?.trim()) problems.push('missing title');
  if (problems.length > 0) throw new Error(`entity ${e.id} cannot be published: ${problems.join(', ')}`);
  return {
    id: e.id,
    slug: e.slug as string,
    title: (e.title as string).trim(),
    summary: e.summary ?? '',
    content: e.content ?? '',
    tags: e.tags,
    locale: e.locale ?? 'en',
    bucket: e.bucket,
    updatedAt: e.updatedAt,
  };
}

export const seoPublishInput = z.strictObject({
  bucketId: identifier,
  /** Publish only these entities of the bucket (default: all of them). */
  entityIds: z.array(z.string().min(1)).max(10_000).optional(),
  /** Output directory for the file target, under the output root (default `cms`). */
  outDir: relativePath.optional(),
  concurrency: z.number().int().min(1).max(16).default(2),
  /** Pause after each item, so a demo's progress can be watched. */
  delayMs: z.number().int().min(0).max(60_000).default(20),
});
export type SeoPublishInput = z.infer<typeof seoPublishInput>;

export interface SeoPublishOptions extends ExampleFileOptions {
  /** Publish here instead of to files; `outDir` in the input is then ignored. */
  target?: CmsTarget;
}

export function createSeoPublishJob(opts: SeoPublishOptions = {}) {
  return defineJob({
    type: 'seo.publish',
    category: 'seo',
    description: 'Publish a bucket of CMS entities to a CMS target (offline default: JSON files)',
    input: seoPublishInput,
    name: (input) => `Publish bucket ${input.bucketId}`,
    // Items are keyed by entity id, the same on every run, and each entity publishes on its own: a
    // retry may publish only the entities that failed (`longrun jobs retry <id> --failed-items`).
    partialRetry: true,
    async run(ctx, input) {
      const target =
        opts.target ?? fileCmsTarget(resolveUnder(opts.outRoot ?? DEFAULT_OUT_ROOT, input.outDir ?? 'cms'));
      const wanted = input.entityIds ? new Set(input.entityIds) : null;
      const entities = await ctx.step('load', () => {
        const found = loadEntities(
          opts.dataDir ?? BUNDLED_DATA_DIR,
          (e) => e.bucket === input.bucketId && (!wanted || wanted.has(e.id)),
        );
        // An empty bucket is a mistake in the request, and a retry would find it empty again.
        if (found.length === 0) throw new NonRetryableError(`bucket "${input.bucketId}" has no entities`);
        return found;
      });
      ctx.log.info(`publishing ${entities.length} entities of bucket ${input.bucketId} to ${target.name}`);
      const r = await ctx.each(
        'publish',
        entities,
        { key: (e) => e.id, concurrency: input.concurrency },
        async (e) => {
          const doc = toDocument(e);
          await target.publish(doc, ctx.signal);
          await pause(input.delayMs, ctx.signal);
        },
      );
      // `skipped` are items an earlier attempt (or, in a partial retry, the retried job) completed:
      // they count as published too.
      const published = r.completed + r.skipped;
      ctx.log.info(`published ${published} of ${entities.length} entities; ${r.failed} failed`);
      return { bucketId: input.bucketId, target: target.name, published, failed: r.failed };
    },
  });
}
