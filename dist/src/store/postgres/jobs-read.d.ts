/**
 * The API's reads on PostgreSQL. A list with several status/category/type values becomes a UNION ALL
 * of one ordered index range per combination under one ORDER BY seq DESC LIMIT, which PostgreSQL
 * runs as a Merge Append: a page reads about `limit` index entries per combination however many
 * finished jobs there are. Event and log reads stay at or below the event horizon (context.ts), so
 * a cursor never moves past an id whose transaction has not committed yet.
 */
import type { CountsRow, EventKind, ItemStatus, JobDetail, LogLevel } from '../../core/job.ts';
import type { JobListJsonPage, JobListPage, JobListParams } from '../types.ts';
import { type PgContext } from './context.ts';
export declare function jobGet(ctx: PgContext, p: {
    workspaceId: string;
    id: string;
}): Promise<{
    job: import("../../core/job.ts").Job;
    input: unknown;
    result: unknown;
    logsTotal: number;
} | null>;
/**
 * The whole detail in one statement: one round trip and one snapshot. Logs, steps and attempts come
 * back as JSON arrays whose rows go through the same mappers as the separate reads (BIGINT becomes
 * a JSON number, exact for millisecond timestamps and event ids below 2^53).
 */
export declare function jobDetailGet(ctx: PgContext, p: {
    workspaceId: string;
    id: string;
    logLimit: number;
}): Promise<JobDetail | null>;
export declare function jobList(ctx: PgContext, p: JobListParams): Promise<JobListPage>;
/** Written in JS, as the list page is (below). */
export declare function jobDetailJson(ctx: PgContext, p: {
    workspaceId: string;
    id: string;
    logLimit: number;
}): Promise<string | null>;
/**
 * Written in JS from the rows: PostgreSQL's json_build_object spaces its output (`{"id" : …}`), a
 * fifth more bytes on every page, and a page here costs a network round trip anyway.
 */
export declare function jobListJson(ctx: PgContext, p: JobListParams): Promise<JobListJsonPage>;
export declare function jobCounts(ctx: PgContext, p: {
    workspaceId: string;
}): Promise<CountsRow[]>;
export declare function stepList(ctx: PgContext, p: {
    jobId: string;
}): Promise<import("../../core/job.ts").StepRecord[]>;
/** Finished attempts from their table, plus the one in flight read off the job's lease. */
export declare function attemptList(ctx: PgContext, p: {
    jobId: string;
}): Promise<import("../../core/job.ts").AttemptRecord[]>;
export declare function logList(ctx: PgContext, p: {
    jobId: string;
    after?: number;
    limit: number;
    level?: LogLevel[];
    newest?: boolean;
}): Promise<import("../../core/job.ts").LogEntry[]>;
export declare function itemList(ctx: PgContext, p: {
    jobId: string;
    step?: string;
    status?: ItemStatus;
    after?: string;
    limit: number;
}): Promise<import("../../core/job.ts").ItemRecord[]>;
export declare function eventList(ctx: PgContext, p: {
    workspaceId: string;
    jobId?: string;
    after: number;
    limit: number;
    kinds?: EventKind[];
}): Promise<import("../../core/job.ts").JobEvent[]>;
export declare function settingGet(ctx: PgContext, p: {
    name: string;
}): Promise<string | null>;
export declare function eventSequenceLast(ctx: PgContext): Promise<number>;
export declare function eventLatestId(ctx: PgContext, p: {
    workspaceId: string;
    jobId?: string;
}): Promise<number>;
//# sourceMappingURL=jobs-read.d.ts.map