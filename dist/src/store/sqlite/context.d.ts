import type { Clock } from '../../core/clock.ts';
import { CountDeltas } from '../rows.ts';
import type { Db, StatementCache } from './db.ts';
export interface SqliteContext {
    db: Db;
    sql: StatementCache;
    clock: Clock;
    maxLogsPerJob: number;
    /** Runs `fn` in a `BEGIN IMMEDIATE` transaction, inserts the events it queued, and counts it. */
    write<T>(fn: () => T): T;
    /** Runs reads in this turn of the event loop's shared snapshot (read-snapshot.ts). */
    read<T>(fn: () => T): T;
    pendingEvents: EventRow[];
    /** Attempt rows queued like events: (job_id, attempt, workspace_id, worker_id, started_at, ended_at, outcome, error). */
    pendingAttempts: unknown[][];
    /** Called after a committed write that may make work claimable or adds events. */
    afterCommit: {
        jobsAvailable(): void;
        jobCancelled(id: string): void;
        eventsAdded(): void;
    };
}
export declare function applyCountDeltas(ctx: SqliteContext, deltas: CountDeltas): void;
export interface EventRow {
    workspaceId: string;
    jobId: string;
    kind: 'status' | 'progress' | 'step' | 'log';
    attempt: number;
    now: number;
    /** The event's data; a string is taken as already-serialised JSON (shared by a whole batch). */
    data?: Record<string, unknown> | string | null;
    level?: string | null;
    step?: string | null;
    message?: string | null;
}
/** Queues an event row; `write()` inserts the queue before it commits, in order, many rows per statement. */
export declare function insertEvent(ctx: SqliteContext, e: EventRow): void;
/** Writes the rows a transaction queued; `write()` calls it just before commit. */
export declare function flushQueuedRows(ctx: SqliteContext): void;
export { CountDeltas };
//# sourceMappingURL=context.d.ts.map