import type { JobStatus } from '../../core/status.ts';
import type { ClaimedJob, InsertResult, JobWriteBatch, Lease, LeaseState, NewJob } from '../types.ts';
import { type SqliteContext } from './context.ts';
/**
 * Inserts in multi-row statements of 200, 10 and 1 rows (fewer native calls per job). A bulk insert records one
 * `pending` event per workspace carrying the count, not one per job: an event per job would
 * double the cost of a bulk enqueue, and a dashboard only needs to know that its list changed.
 */
export declare function jobInsert(ctx: SqliteContext, jobs: NewJob[]): InsertResult[];
export declare function jobClaim(ctx: SqliteContext, p: {
    workerId: string;
    limit: number;
    types: string[];
    leaseMs: number;
}): ClaimedJob[];
export declare function jobHeartbeat(ctx: SqliteContext, p: {
    leases: Lease[];
    leaseMs: number;
}): Map<string, LeaseState>;
export interface FencedRow {
    workspace_id: string;
    category: string;
    status: JobStatus;
    attempt: number;
    released_attempts: number;
    max_attempts: number;
    logs_total: number;
    logs_dropped: number;
    attempt_started_at: number;
    lease_owner: string | null;
}
export declare function fence(ctx: SqliteContext, lease: Lease): FencedRow | undefined;
/** Applies one job's buffered writes; the caller has fenced the lease inside the same transaction. */
export declare function applyWrites(ctx: SqliteContext, lease: Lease, row: FencedRow, w: Omit<JobWriteBatch, 'lease'>, now: number): void;
export declare function jobWrite(ctx: SqliteContext, writes: JobWriteBatch[]): boolean[];
//# sourceMappingURL=jobs-write.d.ts.map