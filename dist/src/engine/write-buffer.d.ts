/**
 * Coalesces what running jobs report (progress, log lines, item outcomes, steps) and writes it for
 * all jobs in one store transaction per interval. A handler that reports a million items costs
 * about `items / maxBufferedItems + runtime / intervalMs` transactions instead of a million.
 */
import type { ItemWrite, JobWriteBatch, Lease, NewLog, StepWrite } from '../store/types.ts';
export interface PendingWrites {
    progress?: {
        total?: number;
        completed?: number;
        failed?: number;
    };
    logs: NewLog[];
    items: ItemWrite[];
    steps: StepWrite[];
    currentStep?: string | null;
}
export declare class JobWriteBuffer {
    readonly lease: Lease;
    private knownTotal;
    private readonly onFull;
    private readonly maxBuffered;
    /** Made on the first write: most short jobs never report anything. */
    private pending;
    /** Once set, the buffer ignores further writes: the attempt is over and its lease is gone. */
    closed: boolean;
    constructor(lease: Lease, knownTotal: number, onFull: () => void, maxBuffered: number);
    setTotal(total: number): void;
    addTotal(n: number): void;
    addProgress(completed: number, failed: number): void;
    private writes;
    log(line: NewLog): void;
    item(item: ItemWrite): void;
    step(step: StepWrite, currentStep: string | null): void;
    isEmpty(): boolean;
    /** Puts back writes that a failed flush took, ahead of anything buffered since. */
    restore(taken: Omit<JobWriteBatch, 'lease'>): void;
    /** Takes everything buffered; the buffer starts empty again. */
    drain(): Omit<JobWriteBatch, 'lease'>;
    private progress;
    private checkFull;
}
//# sourceMappingURL=write-buffer.d.ts.map