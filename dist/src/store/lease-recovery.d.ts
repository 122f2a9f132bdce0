/**
 * What the lease reaper does with one expired lease, decided once for both backends: a job
 * cancelled while running is closed as cancelled; otherwise a new attempt if charged attempts
 * remain (released attempts are free), else the job fails. The texts recorded for it live here too.
 */
import type { JobStatus } from '../core/status.ts';
import { type Row } from './rows.ts';
export interface ExpiredLease {
    status: JobStatus;
    attempt: number;
    releasedAttempts: number;
    maxAttempts: number;
    leaseOwner: string | null;
    leaseExpiresAt: number;
}
export interface RecoveryPlan {
    to: JobStatus;
    /** When the new attempt may start; null unless `to` is pending. */
    runAt: number | null;
    /** Why the attempt ended, stored on the attempt row. */
    reason: string;
    /** The warning logged on the job. */
    logMessage: string;
    /** The job's error message when it fails for good. */
    errorMessage: string;
}
export declare function planRecovery(lease: ExpiredLease, now: number, retryDelayMs: (attempt: number) => number): RecoveryPlan;
/** The lease facts of a reaper's row (same column names on both backends). */
export declare function expiredLease(r: Row): ExpiredLease;
//# sourceMappingURL=lease-recovery.d.ts.map