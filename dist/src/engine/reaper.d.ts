/**
 * The lease reaper: every `intervalMs` it recovers jobs whose lease expired (their worker crashed,
 * froze or lost the database) as a new attempt that resumes after the last completed step, or
 * fails them once they used `maxAttempts`. Several reapers may run at once: the store's claim on
 * each expired row is atomic, so a job is recovered once.
 */
import type { Store } from '../store/types.ts';
export declare class LeaseReaper {
    private readonly store;
    private timer;
    private running;
    private readonly intervalMs;
    constructor(store: Store, opts?: {
        intervalMs?: number | undefined;
        onError?: (err: unknown) => void;
    });
    private readonly onError;
    start(): void;
    /**
     * One pass; returns how many jobs it recovered. A crash is the worker's fault, not the job's, so
     * the first recovery runs at once; repeated crashes (a job that kills its worker) back off.
     */
    sweep(): Promise<number>;
    stop(): Promise<void>;
}
//# sourceMappingURL=reaper.d.ts.map