/**
 * Runs one claimed job to the end of its attempt and says how the attempt ended. The pool owns
 * claiming, flushing and finishing; this module owns the handler: context, timeout, cancel, and
 * the classification of what it threw.
 */
import type { JobError } from '../core/job.ts';
import type { ClaimedJob, FinishOutcome, Store } from '../store/types.ts';
import { type LazyAbort } from './context.ts';
import { type AnyJobDefinition } from './define.ts';
import type { JobWriteBuffer } from './write-buffer.ts';
export interface RunningJob {
    claimed: ClaimedJob;
    def: AnyJobDefinition;
    buffer: JobWriteBuffer;
    abort: LazyAbort;
    cancelRequested: boolean;
    leaseLost: boolean;
    /**
     * Local time by which the lease must have been renewed: the request time of the claim or last
     * successful heartbeat plus the lease length. The store's clock sets the real expiry, which can
     * only be later than this, since the request left before the store stamped it.
     */
    leaseDeadline: number;
    /** Set when the pool ends the attempt without the handler (shutdown release). */
    released: boolean;
    /** Resolves when the attempt is over from the pool's point of view. */
    forceEnd: (reason: 'released' | 'lease_lost') => void;
}
export interface AttemptEnd {
    outcome: FinishOutcome;
    result?: unknown;
    error?: JobError | null;
    retryDelayMs?: number | null;
}
export declare function runAttempt(store: Store, run: RunningJob, deps: {
    flush: () => Promise<void>;
    now: () => number;
}): Promise<AttemptEnd>;
//# sourceMappingURL=job-runner.d.ts.map