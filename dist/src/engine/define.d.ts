/**
 * Job types are defined in code and collected in a registry that rejects duplicate types and
 * categories outside the configured set.
 *
 * ```ts
 * const publish = defineJob({
 *   type: 'seo.publish', category: 'seo',
 *   input: z.strictObject({ entityIds: z.array(z.string()) }),
 *   async run(ctx, input) {
 *     await ctx.each('publish', input.entityIds, { key: (id) => id }, async (id) => publishOne(id));
 *   },
 * });
 * ```
 */
import { z } from 'zod';
import type { JobContext } from './context.ts';
export interface RetryPolicy {
    /** Attempts in all, the first included (default 3). */
    maxAttempts?: number;
    /** First backoff delay (default 1,000 ms); doubles each attempt up to `maxDelayMs`, with jitter. */
    baseDelayMs?: number;
    maxDelayMs?: number;
}
export interface JobDefinition<I = unknown, R = unknown> {
    type: string;
    category: string;
    description?: string;
    input: z.ZodType<I>;
    name?: (input: I) => string;
    retry?: RetryPolicy;
    /** Per-attempt timeout; the attempt ends as `timed_out` and retries if it has attempts left. */
    timeoutMs?: number;
    run: (ctx: JobContext, input: I) => Promise<R>;
}
export type AnyJobDefinition = JobDefinition<any, unknown>;
export declare function defineJob<I, R>(def: JobDefinition<I, R>): JobDefinition<I, R>;
export interface JobTypeInfo {
    type: string;
    category: string;
    description: string | null;
    inputSchema: unknown;
    maxAttempts: number;
    timeoutMs: number | null;
}
export declare class JobRegistry {
    private readonly defs;
    /** `describe()`'s answer, kept until the next `register`: a JSON Schema per type is not free. */
    private described;
    readonly categories: readonly string[];
    constructor(opts?: {
        categories?: readonly string[];
        jobs?: AnyJobDefinition[];
    });
    register(def: AnyJobDefinition): void;
    get(type: string): AnyJobDefinition | undefined;
    require(type: string): AnyJobDefinition;
    types(): string[];
    describe(): readonly JobTypeInfo[];
}
export declare const DEFAULT_MAX_ATTEMPTS = 3;
/** Exponential backoff with full jitter over the upper half: delay ∈ [cap/2, cap]. */
export declare function retryDelay(policy: RetryPolicy | undefined, attempt: number, random?: () => number): number;
//# sourceMappingURL=define.d.ts.map