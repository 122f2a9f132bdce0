/**
 * Retention: deletes finished jobs (with their logs, events, items, steps and attempts) once they
 * have been finished for `maxAgeMs`, in batches of `batchSize` so no transaction holds locks for
 * long, on an interval. Several processes may run it at once; each batch is one atomic delete.
 *
 * ```ts
 * longrun.start({ retentionMs: 30 * 24 * 3600_000 }); // keep finished jobs for 30 days
 * ```
 */
import type { Store } from '../store/types.ts';
export declare class RetentionSweeper {
    private readonly store;
    private readonly opts;
    private timer;
    private running;
    constructor(store: Store, opts: {
        maxAgeMs: number;
        intervalMs?: number;
        batchSize?: number;
        onError?: (err: unknown) => void;
    });
    start(): void;
    /** Deletes everything past the age limit, a batch at a time; returns how many jobs it deleted. */
    sweep(): Promise<number>;
    stop(): Promise<void>;
}
//# sourceMappingURL=retention.d.ts.map