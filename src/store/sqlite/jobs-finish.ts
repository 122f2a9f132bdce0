/**
 * Finishing attempts on SQLite: many jobs per transaction, each fenced on its lease; what the
 * finish does to the job is write-rules.ts's `planFinish`, persisted here.
 */
import type { JobStatus } from '../../core/status.ts';
import type { FinishResult, JobFinish } from '../types.ts';
import { finishEventData, planFinish } from '../write-rules.ts';
import { applyCountDeltas, CountDeltas, insertEvent, type SqliteContext } from './context.ts';
import { applyWrites, type FencedRow, fence } from './jobs-progress.ts';

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
      const row = fence(ctx, f.lease);
      if (!row) return { jobId: f.lease.jobId, applied: false, status: null };
      if (f.writes) applyWrites(ctx, f.lease, row, f.writes, now);
      const status = finishOne(ctx, f, row, now);
      // Only a job cancelled while running finishes as `cancelled`; every other finish leaves `running`.
      deltas.move(row.workspace_id, row.category, row.status, status);
      return { jobId: f.lease.jobId, applied: true, status };
    });
    applyCountDeltas(ctx, deltas);
    return results;
  });
  ctx.afterCommit.eventsAdded();
  // A retry is claimable again; a finish that frees a concurrency slot may let a waiting job start.
  if (out.some((r, i) => r.status === 'pending' || (r.applied && finishes[i]?.freesSlot)))
    ctx.afterCommit.jobsAvailable();
  return out;
}

/**
 * Persists write-rules.ts's decision. The lease ends (a repeat of this finish finds no lease);
 * `lease_owner` and `attempt_started_at` stay on the row as facts about the last attempt.
 */
const FINISH_SQL = `UPDATE jobs SET status = :status, completed_at = :completedAt, run_at = :runAt,
    released_attempts = released_attempts + :releasedDelta, updated_at = :now,
    lease_token = NULL, lease_expires_at = NULL, current_step = NULL,
    result = CASE WHEN :hasResult THEN :result ELSE result END,
    error_code = CASE WHEN :hasError THEN :errorCode ELSE error_code END,
    error_message = CASE WHEN :hasError THEN :errorMessage ELSE error_message END
  WHERE id = :id`;

function finishOne(ctx: SqliteContext, f: JobFinish, row: FencedRow, now: number): JobStatus {
  const plan = planFinish(
    {
      status: row.status,
      attempt: row.attempt,
      releasedAttempts: row.released_attempts,
      maxAttempts: row.max_attempts,
      runAt: row.run_at,
    },
    f,
    now,
  );
  ctx.sql.get(FINISH_SQL).run({
    status: plan.status,
    completedAt: plan.completedAt,
    runAt: plan.runAt,
    releasedDelta: plan.releasedDelta,
    now,
    hasResult: f.result !== undefined ? 1 : 0,
    result: f.result === undefined ? null : JSON.stringify(f.result),
    hasError: f.error ? 1 : 0,
    errorCode: f.error?.code ?? null,
    errorMessage: f.error?.message ?? null,
    id: f.lease.jobId,
  });
  ctx.pendingAttempts.push([
    f.lease.jobId,
    f.lease.attempt,
    row.workspace_id,
    row.lease_owner,
    row.attempt_started_at,
    now,
    plan.attemptOutcome,
    plan.attemptError,
  ]);
  insertEvent(ctx, {
    workspaceId: row.workspace_id,
    jobId: f.lease.jobId,
    kind: 'status',
    attempt: f.lease.attempt,
    now,
    data: plan.status === 'pending' ? finishEventData(plan) : finishedEventJson(plan.status, now),
  });
  return plan.status;
}
