/**
 * A worker's buffered writes on SQLite (`jobWrite`): progress, logs, items and steps of many jobs in
 * one transaction, each fenced on its lease. The log cap and the progress arithmetic come from
 * write-rules.ts; this module only persists them.
 */
import type { JobStatus } from '../../core/status.ts';
import type { JobWriteBatch, Lease } from '../types.ts';
import { nextProgress, planLogs } from '../write-rules.ts';
import { insertEvent, type SqliteContext } from './context.ts';

/** The job row under a current lease, as the write and finish rules need it. */
export interface FencedRow {
  workspace_id: string;
  category: string;
  status: JobStatus;
  attempt: number;
  released_attempts: number;
  max_attempts: number;
  run_at: number;
  logs_total: number;
  logs_dropped: number;
  progress_total: number;
  progress_completed: number;
  progress_failed: number;
  attempt_started_at: number;
  lease_owner: string | null;
}

export function fence(ctx: SqliteContext, lease: Lease): FencedRow | undefined {
  return ctx.sql
    .get(
      `SELECT workspace_id, category, status, attempt, released_attempts, max_attempts, run_at, logs_total,
              logs_dropped, progress_total, progress_completed, progress_failed, attempt_started_at, lease_owner
       FROM jobs WHERE id = ? AND attempt = ? AND lease_token = ?`,
    )
    .get(lease.jobId, lease.attempt, lease.token) as FencedRow | undefined;
}

/** Applies one job's buffered writes; the caller has fenced the lease inside the same transaction. */
export function applyWrites(
  ctx: SqliteContext,
  lease: Lease,
  row: FencedRow,
  w: Omit<JobWriteBatch, 'lease'>,
  now: number,
): void {
  const base = { workspaceId: row.workspace_id, jobId: lease.jobId, attempt: lease.attempt, now };
  for (const s of w.steps ?? []) {
    if (s.status === 'running') {
      ctx.sql
        .get(
          `INSERT INTO job_steps (job_id, name, workspace_id, position, status, attempt, started_at)
           VALUES (?, ?, ?, (SELECT count(*) FROM job_steps WHERE job_id = ?), 'running', ?, ?)
           ON CONFLICT (job_id, name) DO UPDATE SET status = 'running', attempt = excluded.attempt,
             started_at = excluded.started_at, completed_at = NULL, result = NULL`,
        )
        .run(lease.jobId, s.name, row.workspace_id, lease.jobId, lease.attempt, now);
    } else {
      ctx.sql
        .get('UPDATE job_steps SET status = ?, result = ?, completed_at = ? WHERE job_id = ? AND name = ?')
        .run(s.status, s.result === undefined ? null : JSON.stringify(s.result), now, lease.jobId, s.name);
    }
    insertEvent(ctx, { ...base, kind: 'step', step: s.name, data: { name: s.name, status: s.status } });
  }
  const itemStmt = ctx.sql.get(
    `INSERT INTO job_items (job_id, step, key, workspace_id, status, error, attempt, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (job_id, step, key) DO UPDATE SET status = excluded.status, error = excluded.error,
       attempt = excluded.attempt, updated_at = excluded.updated_at`,
  );
  for (const it of w.items ?? []) {
    itemStmt.run(lease.jobId, it.step, it.key, row.workspace_id, it.status, it.error, lease.attempt, now);
  }
  const logs = planLogs(
    { total: row.logs_total, dropped: row.logs_dropped },
    w.logs ?? [],
    ctx.maxLogsPerJob,
  );
  for (const l of logs.lines) {
    insertEvent(ctx, {
      ...base,
      now: l.timestamp,
      kind: 'log',
      level: l.level,
      step: l.step,
      message: l.message,
    });
  }
  const p = w.progress;
  const stepChanged = w.currentStep !== undefined;
  // Every line given is either kept or counted as dropped: the counts move exactly when lines came.
  const logsChanged = (w.logs?.length ?? 0) > 0;
  if (!p && !stepChanged && !logsChanged) return;
  const progress = nextProgress(
    { total: row.progress_total, completed: row.progress_completed, failed: row.progress_failed },
    p,
  );
  ctx.sql
    .get(
      `UPDATE jobs SET progress_total = ?, progress_completed = ?, progress_failed = ?,
         current_step = CASE WHEN ? THEN ? ELSE current_step END, logs_total = ?, logs_dropped = ?, updated_at = ?
       WHERE id = ?`,
    )
    .run(
      progress.total,
      progress.completed,
      progress.failed,
      stepChanged ? 1 : 0,
      w.currentStep ?? null,
      logs.counts.total,
      logs.counts.dropped,
      now,
      lease.jobId,
    );
  // The row read by the fence now matches what was written, for a finish in the same transaction.
  row.logs_total = logs.counts.total;
  row.logs_dropped = logs.counts.dropped;
  row.progress_total = progress.total;
  row.progress_completed = progress.completed;
  row.progress_failed = progress.failed;
  if (p) insertEvent(ctx, { ...base, kind: 'progress', data: { ...progress } });
}

export function jobWrite(ctx: SqliteContext, writes: JobWriteBatch[]): boolean[] {
  const out = ctx.write((now) =>
    writes.map((w) => {
      const row = fence(ctx, w.lease);
      if (!row) return false;
      applyWrites(ctx, w.lease, row, w, now);
      return true;
    }),
  );
  ctx.afterCommit.eventsAdded();
  return out;
}
