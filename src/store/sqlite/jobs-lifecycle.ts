/**
 * Transitions that do not come from the worker holding the lease: cancel (from a user), lease
 * recovery (from the reaper) and retention (purge of old finished jobs).
 */
import { LongrunError } from '../../core/errors.ts';
import type { AttemptOutcome, JobStatus } from '../../core/status.ts';
import { cancelEffect } from '../cancel-rules.ts';
import { expiredLease, planRecovery } from '../lease-recovery.ts';
import { JOB_COLUMNS, type Row, rowToJob } from '../rows.ts';
import type { CancelResult, ReapedJob } from '../types.ts';
import { applyCountDeltas, CountDeltas, insertEvent, type SqliteContext } from './context.ts';

export function jobCancel(
  ctx: SqliteContext,
  p: { workspaceId: string; id: string; by?: string },
): CancelResult {
  const select = `SELECT ${JOB_COLUMNS} FROM jobs WHERE id = ? AND workspace_id = ?`;
  const result = ctx.write((now): CancelResult => {
    const row = ctx.sql.get(select).get(p.id, p.workspaceId) as Row | undefined;
    if (!row) throw new LongrunError('not_found', `job ${p.id} not found`);
    const job = rowToJob(row);
    if (job.status === 'cancelled') return { job, previousStatus: 'cancelled' };
    if (job.status === 'completed' || job.status === 'failed') {
      throw new LongrunError('job_not_cancellable', `job ${p.id} is already ${job.status}`, {
        details: [{ message: `job is ${job.status}`, status: job.status }],
      });
    }
    // A pending job stops at once; a running one stops when its worker observes the cancel, and
    // the worker (or the reaper) sets completed_at then (cancel-rules.ts).
    const { completedAt } = cancelEffect(job.status, now);
    ctx.sql
      .get(
        `UPDATE jobs SET status = 'cancelled', cancel_requested_at = ?, cancel_requested_by = ?, updated_at = ?,
           completed_at = ?
         WHERE id = ?`,
      )
      .run(now, p.by ?? null, now, completedAt, p.id);
    const deltas = new CountDeltas();
    deltas.move(job.workspaceId, job.category, job.status, 'cancelled');
    applyCountDeltas(ctx, deltas);
    insertEvent(ctx, {
      workspaceId: job.workspaceId,
      jobId: job.id,
      kind: 'status',
      attempt: job.attempt,
      now,
      data: { status: 'cancelled', cancelRequestedAt: now, completedAt },
    });
    const updated = rowToJob(ctx.sql.get(select).get(p.id, p.workspaceId) as Row);
    return { job: updated, previousStatus: job.status };
  });
  if (result.previousStatus === 'running') ctx.afterCommit.jobCancelled(p.id);
  if (result.previousStatus !== 'cancelled') ctx.afterCommit.eventsAdded();
  return result;
}

export function leaseReap(
  ctx: SqliteContext,
  p: { limit: number; retryDelayMs: (attempt: number) => number },
): ReapedJob[] {
  const reaped = ctx.write((now) => {
    const rows = ctx.sql
      .get(
        `SELECT id, workspace_id, category, status, attempt, released_attempts, max_attempts, lease_owner,
                lease_expires_at, attempt_started_at
         FROM jobs WHERE lease_token IS NOT NULL AND lease_expires_at < ? ORDER BY lease_expires_at LIMIT ?`,
      )
      .all(now, p.limit) as Row[];
    const deltas = new CountDeltas();
    const out: ReapedJob[] = [];
    for (const r of rows) {
      const jobId = String(r.id);
      const workspaceId = String(r.workspace_id);
      const attempt = Number(r.attempt);
      const from = r.status as JobStatus;
      const outcome: AttemptOutcome = 'crashed';
      const { to, runAt, reason, logMessage, errorMessage } = planRecovery(
        expiredLease(r),
        now,
        p.retryDelayMs,
      );
      ctx.sql
        .get(
          `UPDATE jobs SET status = ?, lease_token = NULL, lease_owner = NULL, lease_expires_at = NULL,
             current_step = NULL, updated_at = ?, run_at = coalesce(?, run_at), logs_total = logs_total + 1,
             completed_at = CASE WHEN ? = 'pending' THEN NULL ELSE ? END,
             error_code = CASE WHEN ? = 'failed' THEN 'crashed' ELSE error_code END,
             error_message = CASE WHEN ? = 'failed' THEN ? ELSE error_message END
           WHERE id = ?`,
        )
        .run(to, now, runAt, to, now, to, to, errorMessage, jobId);
      ctx.pendingAttempts.push([
        jobId,
        attempt,
        workspaceId,
        r.lease_owner ?? null,
        Number(r.attempt_started_at),
        now,
        outcome,
        reason,
      ]);
      insertEvent(ctx, { workspaceId, jobId, kind: 'log', attempt, now, level: 'warn', message: logMessage });
      insertEvent(ctx, {
        workspaceId,
        jobId,
        kind: 'status',
        attempt,
        now,
        data: { status: to, completedAt: to === 'pending' ? null : now },
      });
      deltas.move(workspaceId, String(r.category), from, to);
      out.push({ jobId, attempt, outcome, status: to });
    }
    applyCountDeltas(ctx, deltas);
    return out;
  });
  if (reaped.length > 0) {
    ctx.afterCommit.eventsAdded();
    ctx.afterCommit.jobsAvailable();
  }
  return reaped;
}

export function jobPurge(ctx: SqliteContext, p: { before: number; limit: number }): number {
  return ctx.write(() => {
    const rows = ctx.sql
      .get(
        `SELECT id, workspace_id, category, status FROM jobs
         WHERE completed_at IS NOT NULL AND completed_at < ? ORDER BY completed_at LIMIT ?`,
      )
      .all(p.before, p.limit) as Row[];
    const deltas = new CountDeltas();
    for (const r of rows) {
      const id = String(r.id);
      for (const table of ['job_events', 'job_items', 'job_steps', 'job_attempts', 'webhook_deliveries']) {
        ctx.sql.get(`DELETE FROM ${table} WHERE job_id = ?`).run(id);
      }
      ctx.sql.get('DELETE FROM jobs WHERE id = ?').run(id);
      deltas.add(String(r.workspace_id), String(r.category), r.status as JobStatus, -1);
    }
    applyCountDeltas(ctx, deltas);
    return rows.length;
  });
}
