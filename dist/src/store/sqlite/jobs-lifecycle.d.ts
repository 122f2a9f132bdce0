import type { CancelResult, ReapedJob } from '../types.ts';
import { type SqliteContext } from './context.ts';
export declare function jobCancel(ctx: SqliteContext, p: {
    workspaceId: string;
    id: string;
}): CancelResult;
export declare function leaseReap(ctx: SqliteContext, p: {
    limit: number;
    retryDelayMs: (attempt: number) => number;
}): ReapedJob[];
export declare function jobPurge(ctx: SqliteContext, p: {
    before: number;
    limit: number;
}): number;
//# sourceMappingURL=jobs-lifecycle.d.ts.map