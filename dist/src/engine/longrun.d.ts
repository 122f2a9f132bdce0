/**
 * The public engine: enqueue, cancel, query and run jobs over one Store. The HTTP API, the CLI and
 * library users all go through this object.
 *
 * ```ts
 * const longrun = createLongrun({ store: await createSqliteStore({ path: 'data/longrun.db' }), jobs: [publish] });
 * longrun.start({ concurrency: 8 });
 * const { job } = await longrun.enqueue('seo.publish', { bucketId: 'b1', entityIds: ['e1', 'e2'] });
 * await longrun.stop();
 * ```
 */
import type { Clock } from '../core/clock.ts';
import type { CountsRow, ItemRecord, ItemStatus, Job, JobDetail, JobEvent, LogEntry, LogLevel } from '../core/job.ts';
import type { JobStatus } from '../core/status.ts';
import type { Store } from '../store/types.ts';
import { CursorCodec } from './cursor.ts';
import { type AnyJobDefinition, JobRegistry, type JobTypeInfo } from './define.ts';
import { type EnqueueOptions } from './enqueue.ts';
import { type WorkerOptions, WorkerPool } from './worker.ts';
export interface LongrunOptions {
    store: Store;
    jobs?: AnyJobDefinition[];
    categories?: readonly string[];
    clock?: Clock;
}
export interface ListJobsParams {
    workspaceId?: string;
    status?: JobStatus[];
    category?: string[];
    type?: string[];
    limit?: number;
    cursor?: string;
}
/** How many log lines a job's detail carries; older ones come from `listLogs`. */
export declare const DETAIL_LOG_LIMIT = 1000;
export declare class Longrun {
    readonly store: Store;
    readonly registry: JobRegistry;
    private pool;
    private readonly inserts;
    private reaper;
    private retention;
    private codec;
    constructor(opts: LongrunOptions);
    /** Validates `input` against the type's schema and enqueues one job. */
    enqueue(type: string, input: unknown, opts?: EnqueueOptions): Promise<{
        job: Job;
        created: boolean;
    }>;
    /** Bulk enqueue in one transaction; returns the job ids in order. */
    enqueueMany(requests: {
        type: string;
        input: unknown;
        opts?: EnqueueOptions;
    }[]): Promise<string[]>;
    cancel(id: string, opts?: {
        workspaceId?: string;
    }): Promise<{
        job: Job;
        previousStatus: JobStatus;
    }>;
    getJob(id: string, opts?: GetJobOptions): Promise<JobDetail>;
    /** `getJob` as the JSON text of `toJobDetailJson(detail)`: what the API sends, built by the store. */
    getJobJson(id: string, opts?: GetJobOptions): Promise<string>;
    listJobs(p?: ListJobsParams): Promise<{
        jobs: Job[];
        nextCursor: string | null;
    }>;
    /** `listJobs` as the JSON text of `jobs.map(toJobJson)`: what the API sends, built by the store. */
    listJobsJson(p?: ListJobsParams): Promise<{
        json: string;
        nextCursor: string | null;
    }>;
    /**
     * Signs and checks list cursors with the store's `cursor_key`, read once. A failed read is not
     * kept: the next list tries again (the store may be back).
     */
    cursors(): Promise<CursorCodec>;
    private listParams;
    private requireJob;
    listLogs(id: string, p?: {
        workspaceId?: string;
        after?: number;
        limit?: number;
        level?: LogLevel[];
    }): Promise<LogEntry[]>;
    listItems(id: string, p?: {
        workspaceId?: string;
        status?: ItemStatus;
        step?: string;
        after?: string;
        limit?: number;
    }): Promise<ItemRecord[]>;
    counts(opts?: {
        workspaceId?: string;
    }): Promise<CountsRow[]>;
    /** Events after `after` (an event id), oldest first; a job's stream or the workspace's status/progress stream. */
    events(p: {
        workspaceId?: string;
        jobId?: string;
        after: number;
        limit?: number;
    }): Promise<JobEvent[]>;
    jobTypes(): readonly JobTypeInfo[];
    /**
     * Starts the worker pool (claiming the registered types), the lease reaper and, when
     * `retentionMs` is given, the retention sweeper that deletes jobs finished longer ago.
     */
    start(opts?: Partial<WorkerOptions> & {
        retentionMs?: number;
    }): void;
    get worker(): WorkerPool | null;
    /** Stops claiming at once, lets running jobs finish within `graceMs`, then releases the rest. */
    stop(opts?: {
        graceMs?: number;
    }): Promise<void>;
}
export declare function createLongrun(opts: LongrunOptions): Longrun;
interface GetJobOptions {
    workspaceId?: string;
    logLimit?: number;
}
export {};
//# sourceMappingURL=longrun.d.ts.map