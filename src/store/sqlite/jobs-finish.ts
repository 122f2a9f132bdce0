/**
 * Finishing attempts on SQLite: many jobs per transaction, each fenced on its lease, the status
 * decided in the UPDATE itself.
 */
import type { JobStatus } from '../../core/status.ts';
import type { FinishResult, JobFinish } from '../types.ts';
import { applyCountDeltas, CountDeltas, insertEvent, type SqliteContext } from './context.ts';
import { applyWrites, fence } from './jobs-write.ts';

/** One serialisation per (status, time): a batch of finishes shares its clock reading. */
let finishedEventCache = { status: '', now: 0, json: '' };
function finishedEventJson(status: JobStatus, now: number): string {
  if (finishedEventCache.status !== status || finishedEventCache.now !== now) {
    finishedEventCache = { status, now, json: JSON.stringify({ status, completedAt: now }) };
  }
  return finishedEventCache.json;
}

export function jobFinish(ctx: SqliteContext, finishes: JobFinish[]): FinishResult[] {
  const out = ctx.write((now) => {
    const deltas = new CountDeltas();
    const results = finishes.map((f): FinishResult => {
      // Without buffered writes the UPDATE below is its own fence; with them, fence first.
      if (f.writes) {
        const row = fence(ctx, f.lease);
        if (!row) return { jobId: f.lease.jobId, applied: false, status: null };
        applyWrites(ctx, f.lease, row, f.writes, now);
      }
      const done = finishOne(ctx, f, now);
      if (!done) return { jobId: f.lease.jobId, applied: false, status: null };
      // Only a job cancelled while running finishes as `cancelled`; every other finish leaves `running`.
      deltas.move(
        done.workspaceId,
        done.category,
        done.status === 'cancelled' ? 'cancelled' : 'running',
        done.status,
      );
      return { jobId: f.lease.jobId, applied: true, status: done.status };
    });
    applyCountDeltas(ctx, deltas);
    return results;
  });
  ctx.afterCommit.eventsAdded();
  if (out.some((r) => r.status === 'pending')) ctx.afterCommit.jobsAvailable();
  return out;
}

/**
 * The status decision lives in the statement: a job cancelled meanwhile stays cancelled, a retry
 * needs attempts left (released attempts are not charged), and the WHERE clause fences the lease.
 * `lease_owner` and `attempt_started_at` stay on the row as "last attempt" facts for the attempt row.
 */
const FINISH_SQL = `UPDATE jobs SET
    status = CASE
      WHEN status = 'cancelled' THEN 'cancelled'
      WHEN :outcome = 'completed' THEN 'completed'
      WHEN :outcome = 'released' THEN 'pending'
      WHEN :retry AND attempt - released_attempts < max_attempts THEN 'pending'
      ELSE 'failed' END,
    completed_at = CASE
      WHEN status = 'cancelled' OR :outcome = 'completed' THEN :now
      WHEN :outcome = 'released' THEN NULL
      WHEN :retry AND attempt - released_attempts < max_attempts THEN NULL
      ELSE :now END,
    updated_at = :now, lease_token = NULL, lease_expires_at = NULL, current_step = NULL,
    run_at = CASE WHEN :outcome = 'released' THEN :now WHEN :retry THEN :now + :delay ELSE run_at END,
    released_attempts = released_attempts + (:outcome = 'released'),
    result = CASE WHEN :hasResult THEN :result ELSE result END,
    error_code = CASE WHEN :hasError THEN :errorCode ELSE error_code END,
    error_message = CASE WHEN :hasError THEN :errorMessage ELSE error_message END
  WHERE id = :id AND attempt = :attempt AND lease_token = :token
  RETURNING status, workspace_id, category, lease_owner, attempt_started_at, run_at`;

function finishOne(
  ctx: SqliteContext,
  f: JobFinish,
  now: number,
): { status: JobStatus; workspaceId: string; category: string } | null {
  const retry = (f.outcome === 'failed' || f.outcome === 'timed_out') && f.retryDelayMs != null;
  // Raw: [status, workspace_id, category, lease_owner, attempt_started_at, run_at].
  const row = ctx.sql
    .get(FINISH_SQL)
    .raw()
    .get({
      outcome: f.outcome,
      retry: retry ? 1 : 0,
      delay: f.retryDelayMs ?? 0,
      now,
      hasResult: f.result !== undefined ? 1 : 0,
      result: f.result === undefined ? null : JSON.stringify(f.result),
      hasError: f.error ? 1 : 0,
      errorCode: f.error?.code ?? null,
      errorMessage: f.error?.message ?? null,
      id: f.lease.jobId,
      attempt: f.lease.attempt,
      token: f.lease.token,
    }) as unknown[] | undefined;
  if (!row) return null;
  const status = row[0] as JobStatus;
  const workspaceId = String(row[1]);
  // A completed job's last attempt is read off the job row (attemptList); every other ending gets a row.
  if (status !== 'completed')
    ctx.pendingAttempts.push([
      f.lease.jobId,
      f.lease.attempt,
      workspaceId,
      row[3] ?? null,
      Number(row[4]),
      now,
      status === 'cancelled' ? 'cancelled' : f.outcome,
      f.error ? `${f.error.code}: ${f.error.message}` : null,
    ]);
  insertEvent(ctx, {
    workspaceId,
    jobId: f.lease.jobId,
    kind: 'status',
    attempt: f.lease.attempt,
    now,
    data:
      status === 'pending'
        ? { status, completedAt: null, runAt: Number(row[5]) }
        : finishedEventJson(status, now),
  });
  return { status, workspaceId, category: String(row[2]) };
}
