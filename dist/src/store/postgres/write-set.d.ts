/**
 * Everything a fenced batch changes (steps, items, job rows, attempts, events, counts) gathered in
 * column arrays and written by ONE statement of data-modifying CTEs over `unnest`. jobWrite,
 * jobFinish, jobCancel and leaseReap decide in TypeScript (with the job rows locked) and then pay a
 * single round trip whatever the batch size. A statement may not touch one row twice, so the set
 * merges per key: one job update per job, one step row per (job, name), one item per (job, step, key).
 */
import type { JobStatus } from '../../core/status.ts';
import { CountDeltas } from '../rows.ts';
import type { Notify, PgContext, Query } from './context.ts';
export interface JobUpdate {
    status: JobStatus | null;
    progress: {
        total: number;
        completed: number;
        failed: number;
    } | null;
    /** `undefined` leaves current_step alone. */
    currentStep?: string | null;
    /** `dropped: null` leaves logs_dropped alone. */
    logs: {
        total: number;
        dropped: number | null;
    } | null;
    updatedAt: number;
    /** Clears the lease (the attempt is over); lease_owner stays as a fact about the last attempt. */
    endLease: boolean;
    /** `undefined` leaves completed_at alone. */
    completedAt?: number | null;
    runAt: number | null;
    releasedDelta: number;
    /** `undefined` leaves result alone; otherwise JSON text or null. */
    result?: string | null;
    error?: {
        code: string;
        message: string;
    } | null;
    cancelRequestedAt: number | null;
}
interface StepRow {
    jobId: string;
    name: string;
    workspaceId: string;
    /** True when this batch (re)started the step: insert or reset it; else update the existing row. */
    upsert: boolean;
    position: number;
    status: string;
    result: string | null;
    attempt: number;
    startedAt: number;
    completedAt: number | null;
}
/** PostgreSQL text cannot hold NUL; user-supplied text loses it rather than failing the batch. */
export declare function clean(s: string): string;
export declare function clean(s: string | null): string | null;
export declare class WriteSet {
    private readonly steps;
    private readonly items;
    private readonly jobs;
    private readonly attempts;
    private readonly events;
    readonly deltas: CountDeltas;
    private notify;
    get isEmpty(): boolean;
    /** What listeners are told after the commit: the most specific wins (a cancel or new work implies events). */
    announce(n: Notify): void;
    get announced(): Notify | null;
    step(row: Omit<StepRow, 'upsert' | 'position'> & {
        running: boolean;
        position: number;
    }): void;
    item(jobId: string, workspaceId: string, it: {
        step: string;
        key: string;
        status: string;
        error: string | null;
    }, attempt: number, now: number): void;
    /** The pending update of a job row, created on first use; later calls in the batch refine it. */
    job(jobId: string, now: number): JobUpdate;
    attempt(a: {
        jobId: string;
        attempt: number;
        workspaceId: string;
        workerId: string | null;
        startedAt: number;
        endedAt: number;
        outcome: string;
        error: string | null;
    }): void;
    event(e: {
        workspaceId: string;
        jobId: string;
        kind: 'status' | 'progress' | 'step' | 'log';
        attempt: number;
        now: number;
        data?: Record<string, unknown> | null;
        level?: string | null;
        step?: string | null;
        message?: string | null;
    }): void;
    /** The one statement; `shard` spreads the count deltas (see job_counts in 001_init.sql). */
    toQuery(ctx: PgContext): Query;
}
export {};
//# sourceMappingURL=write-set.d.ts.map