/**
 * `seo.publish` (category seo): publishes one bucket of CMS entities to a CMS target. Entities
 * without a slug or title, or with a slug that is not URL-safe, fail as items with a message that
 * says what to fix; the rest are published.
 *
 * The target is pluggable (`CmsTarget`); the offline default writes each published document as
 * `<outDir>/<slug>.json`, so the example does real, checkable work without network access.
 */
import { z } from 'zod';
import { type CmsEntity, type ExampleFileOptions } from './lib/files.ts';
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
    publish(doc: PublishedDocument, signal: AbortSignal): Promise<{
        location: string;
    }>;
}
/** The offline target: one JSON file per document, replaced atomically, keyed by slug. */
export declare function fileCmsTarget(dir: string): CmsTarget;
/** Checks what a CMS needs and names every problem at once, so one fix round is enough. */
export declare function toDocument(e: CmsEntity): PublishedDocument;
export declare const seoPublishInput: z.ZodObject<{
    bucketId: z.ZodString;
    entityIds: z.ZodOptional<z.ZodArray<z.ZodString>>;
    outDir: z.ZodOptional<z.ZodString>;
    concurrency: z.ZodDefault<z.ZodNumber>;
    delayMs: z.ZodDefault<z.ZodNumber>;
}, z.core.$strict>;
export type SeoPublishInput = z.infer<typeof seoPublishInput>;
export interface SeoPublishOptions extends ExampleFileOptions {
    /** Publish here instead of to files; `outDir` in the input is then ignored. */
    target?: CmsTarget;
}
export declare function createSeoPublishJob(opts?: SeoPublishOptions): import("../src/index.ts").JobDefinition<{
    bucketId: string;
    concurrency: number;
    delayMs: number;
    entityIds?: string[] | undefined;
    outDir?: string | undefined;
}, {
    bucketId: string;
    target: string;
    published: number;
    failed: number;
}>;
//# sourceMappingURL=seo-publish.d.ts.map