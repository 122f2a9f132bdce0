/**
 * What a handler sees: `ctx.step`, `ctx.each`, `ctx.progress`, `ctx.log`, `ctx.signal`,
 * `ctx.attempt`. Cancellation is observed between steps and between items: the step or item in
 * flight finishes, nothing new starts, and nothing done is undone.
 */
import type { ItemStatus, StepRecord } from '../core/job.ts';
import type { JobWriteBuffer } from './write-buffer.ts';
/** Thrown inside a handler when the job was cancelled; the worker records the attempt as cancelled. */
export declare class JobCancelledError extends Error {
    constructor(message?: string);
}
/** Throw from a handler to fail the job without further attempts. */
export declare class NonRetryableError extends Error {
    readonly code: string;
    constructor(message: string, code?: string);
}
export interface EachOptions<T> {
    key: (item: T, index: number) => string;
    /** Items processed at once (default 1). */
    concurrency?: number;
    /** Fail the job once more than this many items failed in this step (default: never). */
    maxFailures?: number;
}
export interface JobLogger {
    info(message: string): void;
    warn(message: string): void;
    error(message: string): void;
}
export interface JobContext {
    readonly jobId: string;
    readonly workspaceId: string;
    readonly attempt: number;
    readonly signal: AbortSignal;
    readonly log: JobLogger;
    readonly progress: {
        setTotal(total: number): void;
        increment(delta?: {
            completed?: number;
            failed?: number;
        }): void;
    };
    step<T>(name: string, fn: () => Promise<T> | T): Promise<T>;
    each<T>(stepName: string, items: readonly T[], opts: EachOptions<T>, fn: (item: T, index: number) => Promise<unknown>): Promise<EachResult>;
    /** True once a cancel was requested; long synchronous handlers may poll it. */
    readonly cancelRequested: boolean;
}
export interface EachResult {
    completed: number;
    failed: number;
    skipped: number;
}
/** Lines are capped (8 KiB) and control characters escaped so a message cannot forge extra lines. */
export declare const MAX_LOG_LINE: number;
export declare function sanitizeLogMessage(message: string): string;
/** An AbortController made only when a handler reads `ctx.signal`: most attempts never do. */
export declare class LazyAbort {
    private controller;
    private reason;
    get signal(): AbortSignal;
    abort(reason: string): void;
}
export interface RunState {
    buffer: JobWriteBuffer;
    abort: LazyAbort;
    readonly cancelRequested: boolean;
    /** Steps stored by earlier attempts, by name. */
    priorSteps: Map<string, StepRecord>;
    loadItems(step: string): Promise<Map<string, ItemStatus>>;
    /** Writes the buffer now (step boundaries). */
    flush(): Promise<void>;
    now(): number;
}
export declare function createJobContext(job: {
    id: string;
    workspaceId: string;
    attempt: number;
}, state: RunState): JobContext;
//# sourceMappingURL=context.d.ts.map