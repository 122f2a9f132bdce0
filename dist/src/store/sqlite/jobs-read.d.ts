/**
 * The API's reads on SQLite. Lists walk one index range per (status, category) combination, newest
 * first, and merge: with a million finished jobs a page still reads about `limit` index entries per
 * combination instead of sorting every match.
 */
import type { CountsRow, EventKind, ItemStatus, JobDetail, LogLevel } from '../../core/job.ts';
import type { JobListPage, JobListParams } from '../types.ts';
import type { SqliteContext } from './context.ts';
export declare function jobGet(ctx: SqliteContext, p: {
    workspaceId: string;
    id: string;
}): {
    job: import("../../core/job.ts").Job;
    input: unknown;
    result: unknown;
    logsTotal: number;
} | null;
export declare function jobDetailGet(ctx: SqliteContext, p: {
    workspaceId: string;
    id: string;
    logLimit: number;
}): JobDetail | null;
/**
 * Two phases: walk each index range for positions only (`seq`, from the index itself when no
 * residual filter needs the row), merge, then read full rows for the one page that survives. A
 * five-range unfiltered page thus builds 21 row objects, not 105.
 */
export declare function jobList(ctx: SqliteContext, p: JobListParams): JobListPage;
export declare function listSeqs(ctx: SqliteContext, p: JobListParams): {
    seqs: number[];
    next: number | null;
};
/**
 * One text value per row (`expr`) for the given positions, newest first. `name` keys the statement
 * cache in place of the long SQL text, so each name must always come with the same `expr`.
 */
export declare function pageRows(ctx: SqliteContext, name: string, expr: string, seqs: number[]): string[];
export declare function jobCounts(ctx: SqliteContext, p: {
    workspaceId: string;
}): CountsRow[];
export declare function stepList(ctx: SqliteContext, p: {
    jobId: string;
}): import("../../core/job.ts").StepRecord[];
/**
 * Ended attempts from their table, plus two read off the job row: the one in flight (its lease),
 * and a completed job's last, successful attempt, which SQLite does not copy into job_attempts
 * (a row per no-op job was a tenth of the cost of finishing it; jobs-write.ts).
 */
export declare function attemptList(ctx: SqliteContext, p: {
    jobId: string;
}): import("../../core/job.ts").AttemptRecord[];
export declare function logList(ctx: SqliteContext, p: {
    jobId: string;
    after?: number;
    limit: number;
    level?: LogLevel[];
    newest?: boolean;
}): import("../../core/job.ts").LogEntry[];
export declare function itemList(ctx: SqliteContext, p: {
    jobId: string;
    step?: string;
    status?: ItemStatus;
    after?: string;
    limit: number;
}): import("../../core/job.ts").ItemRecord[];
export declare function eventList(ctx: SqliteContext, p: {
    workspaceId: string;
    jobId?: string;
    after: number;
    limit: number;
    kinds?: EventKind[];
}): import("../../core/job.ts").JobEvent[];
export declare function settingGet(ctx: SqliteContext, p: {
    name: string;
}): string | null;
/** sqlite_sequence holds the highest id AUTOINCREMENT ever issued (migration 002). */
export declare function eventSequenceLast(ctx: SqliteContext): number;
/**
 * The newest event id of a job, or of a workspace's status/progress/step events. Without a
 * workspace index the workspace case walks the primary key backwards; a workspace with no jobs is
 * answered from the jobs index first so that walk never scans the table for nothing.
 */
export declare function eventLatestId(ctx: SqliteContext, p: {
    workspaceId: string;
    jobId?: string;
}): number;
//# sourceMappingURL=jobs-read.d.ts.map