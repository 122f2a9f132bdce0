/**
 * Row ↔ object mapping shared by the SQL backends: both name their columns alike, so one mapper
 * serves SQLite and PostgreSQL (PostgreSQL's BIGINT columns arrive as strings and go through `num`).
 */
import type { AttemptRecord, ItemRecord, Job, JobEvent, LogEntry, StepRecord } from '../core/job.ts';
import type { JobStatus } from '../core/status.ts';
import type { ApiKeyRecord } from './types.ts';
export type Row = Record<string, unknown>;
export declare function num(v: unknown): number;
export declare function numOrNull(v: unknown): number | null;
export declare function parseJson(v: unknown): unknown;
/** The columns `rowToJob` reads, for SELECT lists and RETURNING clauses. */
export declare const JOB_COLUMNS: string;
/** How many values `rawToJob` reads; columns selected after `JOB_COLUMNS` start at this index. */
export declare const JOB_COLUMN_COUNT: number;
/**
 * The same mapping from a raw row (an array in `JOB_COLUMNS` order). A list page reads 20 rows of
 * 21 columns; arrays cost half what keyed row objects do in better-sqlite3, and reading them by
 * position (not through an intermediate keyed object) keeps every job the same hidden class.
 */
export declare function rawToJob(v: unknown[]): Job;
export declare function rowToJob(r: Row): Job;
export declare function rowToLog(r: Row): LogEntry;
export declare function rowToStep(r: Row): StepRecord;
export declare function rowToAttempt(r: Row): AttemptRecord;
export declare function rowToItem(r: Row): ItemRecord;
export declare function rowToEvent(r: Row): JobEvent;
export declare function rowToApiKey(r: Row): ApiKeyRecord;
/** Per (workspace, category) deltas of a status change, applied to job_counts in one statement each. */
export declare class CountDeltas {
    private readonly deltas;
    add(workspaceId: string, category: string, status: JobStatus, delta: number): void;
    move(workspaceId: string, category: string, from: JobStatus, to: JobStatus): void;
    entries(): Generator<{
        workspaceId: string;
        category: string;
        status: JobStatus;
        delta: number;
    }>;
}
//# sourceMappingURL=rows.d.ts.map