/**
 * The job status machine, in one place. The stores encode the same rules in SQL (CHECK constraints
 * and a trigger that freezes terminal states); this module is what the engine and API consult.
 *
 * ```ts
 * canTransition('pending', 'running'); // true
 * canTransition('completed', 'running'); // false: terminal states never change
 * ```
 */
export declare const JOB_STATUSES: readonly ["pending", "running", "completed", "failed", "cancelled"];
export type JobStatus = (typeof JOB_STATUSES)[number];
export declare const TERMINAL_STATUSES: readonly JobStatus[];
export declare function isJobStatus(value: string): value is JobStatus;
export declare function isTerminal(status: JobStatus): boolean;
export declare function canTransition(from: JobStatus, to: JobStatus): boolean;
/** Why an attempt ended; recorded on every attempt row. */
export declare const ATTEMPT_OUTCOMES: readonly ["completed", "failed", "crashed", "timed_out", "cancelled", "released"];
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];
//# sourceMappingURL=status.d.ts.map