import type { ApiKey, CreateJobParams, Item, Job, JobDetail, JobType, ListJobsParams, LogEntry, Scope, Stats, StreamEvent } from './types.ts';
export type * from './types.ts';
/** An error envelope from the server, or a transport failure (`code: 'network'`, status 0). */
export declare class LongrunApiError extends Error {
    readonly status: number;
    readonly code: string;
    readonly details?: unknown[] | undefined;
    readonly retryAfter?: number | undefined;
    constructor(status: number, code: string, message: string, details?: unknown[] | undefined, retryAfter?: number | undefined);
}
export interface ClientOptions {
    url: string;
    key?: string;
    fetch?: typeof fetch;
}
export declare class LongrunClient {
    private readonly opts;
    private readonly base;
    private readonly fetchFn;
    constructor(opts: ClientOptions);
    private headers;
    private send;
    private json;
    listJobs(p?: ListJobsParams): Promise<{
        jobs: Job[];
        nextCursor: string | null;
    }>;
    /** Every page of a listing, following the server's cursors. */
    listAllJobs(p?: Omit<ListJobsParams, 'cursor'>): AsyncGenerator<Job>;
    getJob(id: string): Promise<JobDetail>;
    cancelJob(id: string): Promise<{
        id: string;
        status: 'cancelled';
    }>;
    /** `created` is false when an `idempotencyKey` matched an earlier request. */
    createJob(p: CreateJobParams, opts?: {
        idempotencyKey?: string;
    }): Promise<{
        job: Job;
        created: boolean;
    }>;
    listLogs(id: string, p?: {
        after?: number;
        limit?: number;
        level?: string[];
    }): Promise<LogEntry[]>;
    listItems(id: string, p?: {
        status?: 'completed' | 'failed';
        step?: string;
        limit?: number;
        cursor?: string;
    }): Promise<{
        items: Item[];
        nextCursor: string | null;
    }>;
    jobTypes(): Promise<JobType[]>;
    stats(): Promise<Stats>;
    listKeys(): Promise<ApiKey[]>;
    createKey(p: {
        scope: Scope;
        name?: string;
    }): Promise<ApiKey & {
        key: string;
    }>;
    revokeKey(id: string): Promise<void>;
    /**
     * A job's events until its terminal status (the server then sends `end`). A dropped connection
     * is resumed with `Last-Event-ID` (up to `maxReconnects` times in a row), so each event is
     * yielded exactly once.
     */
    jobEvents(id: string, opts?: StreamOptions): AsyncGenerator<StreamEvent>;
    /** The workspace's status/progress/step events; runs until `signal` aborts. */
    workspaceEvents(p?: {
        status?: string[];
        category?: string[];
    }, opts?: StreamOptions): AsyncGenerator<StreamEvent, any, any>;
    private stream;
    private streamOnce;
}
export interface StreamOptions {
    lastEventId?: number;
    signal?: AbortSignal;
    maxReconnects?: number;
}
//# sourceMappingURL=index.d.ts.map