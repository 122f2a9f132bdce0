import type { CancelResult, ReapedJob } from '../types.ts';
import { type PgContext } from './context.ts';
export declare function jobCancel(ctx: PgContext, p: {
    workspaceId: string;
    id: string;
}): Promise<CancelResult>;
/**
 * SKIP LOCKED: a row another reaper (or its finishing worker) holds is left to them. The retry
 * delay is a function of the attempt, so the decision is made here on the locked rows.
 */
export declare function leaseReap(ctx: PgContext, p: {
    limit: number;
    retryDelayMs: (attempt: number) => number;
}): Promise<ReapedJob[]>;
/**
 * One statement: pick a batch of old finished jobs, delete their rows everywhere, adjust counts.
 * The ids go through an array so every DELETE is an index probe per job (`= ANY`); as a semi-join
 * the cached generic plan may hash the batch and scan the whole events table.
 */
export declare function jobPurge(ctx: PgContext, p: {
    before: number;
    limit: number;
}): Promise<number>;
//# sourceMappingURL=jobs-lifecycle.d.ts.map