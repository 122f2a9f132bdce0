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
import { type CmsEntity, type ExampleFileOptions } from './lib/files.ts';
export interface DescriptionGenerator {
    /** Shown in logs and stored with each description. */
    readonly name?: string;
    /** Returns the description; should stop (reject) when `signal` aborts, e.g. by passing it to fetch. */
    generate(entity: CmsEntity, signal: AbortSignal): Promise<string>;
}
/** Search engines show about 155-160 characters of a meta description. */
export declare const MAX_DESCRIPTION = 160;
/** Cuts at a word boundary and marks the cut, rather than ending mid-word. */
export declare function clip(text: string, max?: number): string;
/** The offline default: same entity, same text, every time. */
export declare function templateGenerator(opts?: {
    latencyMs?: number;
}): DescriptionGenerator;
export declare const aiDescribeInput: z.ZodObject<{
    collection: z.ZodString;
    outDir: z.ZodOptional<z.ZodString>;
    concurrency: z.ZodDefault<z.ZodNumber>;
    delayMs: z.ZodDefault<z.ZodNumber>;
}, z.core.$strict>;
export type AiDescribeInput = z.infer<typeof aiDescribeInput>;
export interface AiDescribeOptions extends ExampleFileOptions {
    generator?: DescriptionGenerator;
}
export declare function createAiDescribeJob(opts?: AiDescribeOptions): import("../src/index.ts").JobDefinition<{
    collection: string;
    concurrency: number;
    delayMs: number;
    outDir?: string | undefined;
}, {
    collection: string;
    directory: string;
    described: number;
    failed: number;
}>;
//# sourceMappingURL=ai-describe.d.ts.map