/**
 * `ai.describe` (category ai): writes an SEO meta description for every entity of a collection.
 * The generator is pluggable (`DescriptionGenerator`, e.g. an LLM client); the offline default is a
 * deterministic template over the entity's fields with a small simulated latency, so the example
 * runs anywhere and its output can be asserted. Entities with no content fail as items.
 *
 * Each description is stored as `<outDir>/<collection>/<id>.json` when its item runs, not at the
 * end: a resumed attempt skips completed items, so their output must already be on disk.
 */
import { z } from 'zod';
import { defineJob, NonRetryableError } from "../src/index.js";
import { abortableDelay, BUNDLED_DATA_DIR, DEFAULT_OUT_ROOT, identifier, loadEntities, pause, relativePath, resolveUnder, writeFileAtomic, } from "./lib/files.js";
/** Search engines show about 155-160 characters of a meta description. */
export const MAX_DESCRIPTION = 160;
/** The first `n` sentences of `text`, whitespace collapsed. */
function sentences(text, n) {
    const parts = text
        .replace(/\s+/g, ' ')
        .trim()
        .match(/[^.!?]+[.!?]*(\s|$)/g) ?? [];
    return parts.slice(0, n).join('').trim();
}
/** Cuts at a word boundary and marks the cut, rather than ending mid-word. */
export function clip(text, max = MAX_DESCRIPTION) {
    if (text.length <= max)
        return text;
    const cut = text.slice(0, max - 1);
    const space = cut.lastIndexOf(' ');
    return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:—-]+$/, '')}…`;
}
/** The offline default: same entity, same text, every time. */
export function templateGenerator(opts = {}) {
    const latency = opts.latencyMs ?? 25;
    return {
        name: 'template',
        async generate(e, signal) {
            await abortableDelay(latency, signal); // where a model call would wait on the network
            const subject = e.title?.trim() || e.slug || e.id;
            const lead = e.summary?.trim() ? sentences(e.summary, 3) : sentences(e.content ?? '', 2);
            const topics = e.tags.length ? ` Topics: ${e.tags.join(', ')}.` : '';
            const price = e.price ? ` From ${e.price.amount.toFixed(2)} ${e.price.currency}.` : '';
            // Lead with the subject once: summaries often open with the title already.
            const body = lead.toLowerCase().startsWith(subject.toLowerCase()) ? lead : `${subject}: ${lead}`;
            return clip(`${body}${price}${topics}`);
        },
    };
}
export const aiDescribeInput = z.strictObject({
    collection: identifier,
    /** Output directory under the output root (default `descriptions`). */
    outDir: relativePath.optional(),
    concurrency: z.number().int().min(1).max(16).default(2),
    /** Pause after each item, so a demo's progress can be watched. */
    delayMs: z.number().int().min(0).max(60_000).default(0),
});
export function createAiDescribeJob(opts = {}) {
    const generator = opts.generator ?? templateGenerator();
    const generatorName = generator.name ?? 'custom';
    return defineJob({
        type: 'ai.describe',
        category: 'ai',
        description: 'Generate SEO descriptions for a collection with a pluggable generator (offline default)',
        input: aiDescribeInput,
        name: (input) => `Describe collection ${input.collection}`,
        async run(ctx, input) {
            const dir = resolveUnder(resolveUnder(opts.outRoot ?? DEFAULT_OUT_ROOT, input.outDir ?? 'descriptions'), input.collection);
            const entities = await ctx.step('load', () => {
                const found = loadEntities(opts.dataDir ?? BUNDLED_DATA_DIR, (e) => e.collection === input.collection);
                if (found.length === 0)
                    throw new NonRetryableError(`collection "${input.collection}" is empty`);
                return found;
            });
            ctx.log.info(`describing ${entities.length} entities with the ${generatorName} generator`);
            const r = await ctx.each('describe', entities, { key: (e) => e.id, concurrency: input.concurrency }, async (e) => {
                if (!e.content?.trim())
                    throw new Error(`entity ${e.id} has no content to describe`);
                // The signal aborts on cancel, timeout and shutdown: a slow model call stops with it.
                const text = (await generator.generate(e, ctx.signal)).trim();
                if (!text)
                    throw new Error(`generator ${generatorName} returned an empty description for ${e.id}`);
                const doc = { id: e.id, slug: e.slug ?? null, description: clip(text), generator: generatorName };
                writeFileAtomic(resolveUnder(dir, `${e.id}.json`), `${JSON.stringify(doc, null, 2)}\n`);
                await pause(input.delayMs, ctx.signal);
            });
            const described = r.completed + r.skipped;
            ctx.log.info(`described ${described} of ${entities.length} entities; ${r.failed} failed`);
            return { collection: input.collection, directory: dir, described, failed: r.failed };
        },
    });
}
//# sourceMappingURL=ai-describe.js.map