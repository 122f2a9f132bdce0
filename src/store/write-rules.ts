/**
 * What a worker's fenced writes and finishes do to a job, decided once for both backends (as
 * lease-recovery.ts does for expired leases): each store reads the fenced row, asks these functions
 * and persists the answer. PostgreSQL's one-statement finish computes the same in SQL for speed;
 * the conformance suite (finish rules) pins that SQL to `planFinish` over every outcome.
 *
 * ```ts
 * const plan = planFinish({ status: 'running', attempt: 1, releasedAttempts: 0, maxAttempts: 3, runAt: 0 },
 *   { outcome: 'failed', retryDelayMs: 1_000 }, now);
 * plan.status; // 'pending', plan.runAt === now + 1_000
 * ```
 */
import { type AttemptOutcome, canTransition, type JobStatus } from '../core/status.ts';
import type { JobFinish, JobWriteBatch, NewLog } from './types.ts';

/** The fenced job's facts a finish depends on. Under a current lease `status` is running or cancelled. */
export interface FinishFacts {
  status: JobStatus;
  attempt: number;
  releasedAttempts: number;
  maxAttempts: number;
  runAt: number;
}

export interface FinishPlan {
  status: JobStatus;
  completedAt: number | null;
  /** The job's `run_at` afterwards: moved only when the job runs again. */
  runAt: number;
  /** A released attempt is not charged against `maxAttempts`. */
  releasedDelta: 0 | 1;
  /** What the attempt row records: a job cancelled while running closes its attempt as cancelled. */
  attemptOutcome: AttemptOutcome;
  attemptError: string | null;
}

/**
 * Cancel wins over every outcome; a completed attempt completes; a released one runs again now; a
 * failed or timed-out one runs again after its delay while charged attempts remain, else fails.
 */
export function planFinish(
  facts: FinishFacts,
  f: Pick<JobFinish, 'outcome' | 'retryDelayMs' | 'error'>,
  now: number,
): FinishPlan {
  const cancelled = facts.status === 'cancelled';
  const retry =
    (f.outcome === 'failed' || f.outcome === 'timed_out') &&
    f.retryDelayMs != null &&
    facts.attempt - facts.releasedAttempts < facts.maxAttempts;
  let status: JobStatus;
  let runAt = facts.runAt;
  if (cancelled) status = 'cancelled';
  else if (f.outcome === 'completed') status = 'completed';
  else if (f.outcome === 'released') {
    status = 'pending';
    runAt = now;
  } else if (retry) {
    status = 'pending';
    runAt = now + (f.retryDelayMs ?? 0);
  } else status = 'failed';
  assertTransition(facts.status, status);
  return {
    status,
    completedAt: status === 'pending' ? null : now,
    runAt,
    releasedDelta: f.outcome === 'released' ? 1 : 0,
    attemptOutcome: cancelled ? 'cancelled' : f.outcome,
    attemptError: f.error ? `${f.error.code}: ${f.error.message}` : null,
  };
}

/** A decision the status machine refuses is a bug here, not a job's fate: fail before writing it. */
export function assertTransition(from: JobStatus, to: JobStatus): void {
  if (from !== to && !canTransition(from, to)) throw new Error(`no job status transition ${from} → ${to}`);
}

/** The status event of a finish: a job that runs again says when. */
export function finishEventData(plan: FinishPlan): Record<string, unknown> {
  return plan.status === 'pending'
    ? { status: plan.status, completedAt: null, runAt: plan.runAt }
    : { status: plan.status, completedAt: plan.completedAt };
}

export interface LogCounts {
  total: number;
  dropped: number;
}

/**
 * The log cap: lines past `cap` are counted, not kept, and the first dropped line is replaced by
 * one marker, beyond the cap, so a reader knows the log is incomplete. Returns the lines to write
 * and the counts afterwards.
 */
export function planLogs(
  counts: LogCounts,
  logs: readonly NewLog[],
  cap: number,
): { lines: NewLog[]; counts: LogCounts } {
  let { total, dropped } = counts;
  const lines: NewLog[] = [];
  for (const l of logs) {
    if (total < cap) {
      lines.push(l);
      total++;
      continue;
    }
    if (dropped === 0)
      lines.push({
        level: 'warn',
        step: l.step,
        timestamp: l.timestamp,
        message: `log limit of ${cap} lines reached; further lines are dropped`,
      });
    dropped++;
  }
  return { lines, counts: { total, dropped } };
}

export interface ProgressCounts {
  total: number;
  completed: number;
  failed: number;
}

/** `total` replaces the stored value; `completed` and `failed` add to it. */
export function nextProgress(stored: ProgressCounts, p: JobWriteBatch['progress']): ProgressCounts {
  return {
    total: p?.total ?? stored.total,
    completed: stored.completed + (p?.completed ?? 0),
    failed: stored.failed + (p?.failed ?? 0),
  };
}
