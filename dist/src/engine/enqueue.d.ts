import type { z } from 'zod';
import type { NewJob } from '../store/types.ts';
import { type JobRegistry } from './define.ts';
export interface EnqueueOptions {
    workspaceId?: string;
    /** Same key + same request returns the original job; same key + another request is a conflict. */
    idempotencyKey?: string;
    /** Earliest start, ms since epoch. */
    runAt?: number;
    /** Higher runs first (default 0). */
    priority?: number;
    maxAttempts?: number;
    /** Overrides the definition's `name(input)`. */
    name?: string;
}
export declare const DEFAULT_WORKSPACE = "default";
export declare function zodIssuesToDetails(issues: z.core.$ZodIssue[], prefix?: string): {
    path: string;
    message: string;
}[];
export declare function buildNewJob(registry: JobRegistry, type: string, input: unknown, opts?: EnqueueOptions): NewJob;
/** A stable hash of a request: keys sorted so `{a,b}` and `{b,a}` are the same request. */
export declare function requestHash(value: unknown): string;
//# sourceMappingURL=enqueue.d.ts.map