import type { Store } from '../store/types.ts';
import type { JobRegistry } from './define.ts';
export interface WorkerOptions {
    workerId: string;
    /** Jobs run at once (default 10). */
    concurrency: number;
    /** Lease length; a worker that stops heartbeating loses its jobs this long after (default 30 s). */
    leaseMs: number;
    /** Polling interval when nothing announces new work (another process on the same file). */
    pollIntervalMs: number;
    /** How often buffered progress and logs are written (default 200 ms). */
    flushIntervalMs: number;
    /** Buffered items + log lines of one job that trigger an early flush (default 5,000). */
    maxBufferedWrites: number;
    /** Largest claim per transaction (default 100). */
    claimBatch: number;
    /** Types to claim (default: all registered). */
    types?: string[];
    reapIntervalMs?: number;
    onError: (err: unknown, where: string) => void;
    /** Called when the store rejected this worker's lease: another attempt owns the job now. */
    onLeaseLost?: (jobId: string) => void;
}
export declare class WorkerPool {
    private readonly store;
    private readonly registry;
    readonly opts: WorkerOptions;
    private readonly running;
    private readonly runPromises;
    private stopping;
    private claiming;
    private claimAgain;
    private lane;
    private flushQueued;
    private finishQueue;
    private finishQueued;
    private timers;
    private unsubscribe;
    /** Jobs this pool finished, for benchmarks and tests. */
    processed: number;
    constructor(store: Store, registry: JobRegistry, opts?: Partial<WorkerOptions>);
    get runningCount(): number;
    start(): void;
    /** Asks the pool to claim now; calls during a claim make it claim once more afterwards. */
    wake(): void;
    private claimLoop;
    private launch;
    private execute;
    private cancelLocal;
    private loseLease;
    /** Runs `task` after everything already on the lane. */
    private onLane;
    /** Writes every running job's buffer in one transaction; concurrent callers share one flush. */
    flush(): Promise<void>;
    private finish;
    private finishBatch;
    private heartbeat;
    /**
     * A worker that could not renew a lease (the database is unreachable) stops committing for that
     * job a sixth of the lease before it could expire, so its late writes can never race the attempt
     * that the reaper starts after expiry.
     */
    private dropUnrenewed;
    /** Stops claiming; waits up to `graceMs` for running jobs, then releases the rest back to pending. */
    stop(opts?: {
        graceMs?: number;
    }): Promise<void>;
}
//# sourceMappingURL=worker.d.ts.map