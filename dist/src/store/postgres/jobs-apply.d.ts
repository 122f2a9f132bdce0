/**
 * The worker's fenced writes on PostgreSQL: `jobWrite` (buffered progress, logs, items, steps) and
 * `jobFinish`. One transaction each, however many jobs: a SELECT … FOR NO KEY UPDATE fences and locks
 * the rows whose lease matches, TypeScript applies the same rules as SQLite (log cap, retry
 * accounting, cancel-wins) to the locked values, and one WriteSet statement writes the outcome with
 * COMMIT in the same round trip.
 */
import type { JobStatus } from '../../core/status.ts';
import type { FinishResult, JobFinish, JobWriteBatch } from '../types.ts';
import { type PgContext } from './context.ts';
/** A fenced job row as this transaction holds it; mutated as the batch applies, so repeats see their predecessors. */
export interface JobState {
    id: string;
    workspaceId: string;
    category: string;
    status: JobStatus;
    attempt: number;
    releasedAttempts: number;
    maxAttempts: number;
    logsTotal: number;
    logsDropped: number;
    progress: {
        total: number;
        completed: number;
        failed: number;
    };
    leaseOwner: string | null;
    attemptStartedAt: number;
    stepsCount: number;
}
export declare function jobWrite(ctx: PgContext, writes: JobWriteBatch[]): Promise<boolean[]>;
/**
 * Finishes with nothing buffered take the one-statement path; the others are fenced and locked
 * first, since their log cap and step positions depend on the row. Each job's finish is atomic;
 * the two groups commit separately.
 */
export declare function jobFinish(ctx: PgContext, finishes: JobFinish[]): Promise<FinishResult[]>;
//# sourceMappingURL=jobs-apply.d.ts.map