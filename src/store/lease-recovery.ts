/**
 * What the lease reaper does with one expired lease, decided once for both backends: a job
 * cancelled while running is closed as cancelled; otherwise a new attempt if charged attempts
 * remain (released attempts are free), else the job fails. The texts recorded for it live here too.
 */
import type { JobStatus } from '../core/status.ts';
import { num, type Row } from './rows.ts';
import { assertTransition } from './write-rules.ts';

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

export function planRecovery(
  lease: ExpiredLease,
  now: number,
  retryDelayMs: (attempt: number) => number,
): RecoveryPlan {
  const { attempt } = lease;
  const reason = `lease held by ${lease.leaseOwner} expired at ${new Date(lease.leaseExpiresAt).toISOString()} without a heartbeat`;
  let to: JobStatus;
  if (lease.status === 'cancelled') to = 'cancelled';
  else if (attempt - lease.releasedAttempts < lease.maxAttempts) to = 'pending';
  else to = 'failed';
  assertTransition(lease.status, to);
  const next =
    to === 'pending' ? `; retrying as attempt ${attempt + 1}` : to === 'failed' ? '; no attempts left' : '';
  return {
    to,
    runAt: to === 'pending' ? now + retryDelayMs(attempt) : null,
    reason,
    logMessage: `attempt ${attempt} crashed: ${reason}${next}`,
    errorMessage: `attempt ${attempt} crashed: ${reason}`,
  };
}

/** The lease facts of a reaper's row (same column names on both backends). */
export function expiredLease(r: Row): ExpiredLease {
  return {
    status: r.status as JobStatus,
    attempt: num(r.attempt),
    releasedAttempts: num(r.released_attempts),
    maxAttempts: num(r.max_attempts),
    leaseOwner: r.lease_owner == null ? null : String(r.lease_owner),
    leaseExpiresAt: num(r.lease_expires_at),
  };
}
