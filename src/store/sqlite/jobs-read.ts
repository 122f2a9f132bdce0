/**
 * SQLite's reads other than list pages (jobs-list.ts) and the JSON text SQLite writes itself
 * (job-json.ts): a job and its detail, counts, the finished-jobs timeseries, a job's steps,
 * attempts, logs and items, events and the newest event ids, and settings. The engine calls them
 * for the API (through its methods and `longrun.monitor`) and for itself (the cursor key).
 */

import type { CountsRow, EventKind, ItemStatus, JobDetail, LogLevel } from '../../core/job.ts';
import { checkBucketMs, splitItemCursor } from '../list.ts';
import {
  JOB_COLUMN_COUNT,
  JOB_COLUMNS,
  num,
  parseJson,
  type Row,
  rawToJob,
  rowToAttempt,
  rowToEvent,
  rowToItem,
  rowToLog,
  rowToStep,
} from '../rows.ts';
import type { TimeseriesBucket } from '../types.ts';
import type { SqliteContext } from './context.ts';
import { limitClause } from './db.ts';

export function jobGet(ctx: SqliteContext, p: { workspaceId: string; id: string }) {
  // Raw: a keyed row object costs a property-name lookup per column per row in better-sqlite3.
  const v = ctx.sql
    .named(
      'jobGet',
      () => `SELECT ${JOB_COLUMNS}, input, result, logs_total FROM jobs WHERE id = ? AND workspace_id = ?`,
    )
    .raw()
    .get(p.id, p.workspaceId) as unknown[] | undefined;
  if (!v) return null;
  return {
    job: rawToJob(v),
    input: parseJson(v[JOB_COLUMN_COUNT]),
    result: parseJson(v[JOB_COLUMN_COUNT + 1]),
    logsTotal: num(v[JOB_COLUMN_COUNT + 2]),
  };
}

export function jobDetailGet(
  ctx: SqliteContext,
  p: { workspaceId: string; id: string; logLimit: number },
): JobDetail | null {
  return ctx.read(() => {
    const found = jobGet(ctx, p);
    if (!found) return null;
    // Object.assign, not spread: see the note on pickerOf (core/job-json.ts).
    return Object.assign(found.job, {
      input: found.input,
      result: found.result,
      logs: logList(ctx, { jobId: p.id, limit: p.logLimit, newest: true }),
      logsTotal: found.logsTotal,
      steps: stepList(ctx, { jobId: p.id }),
      attempts: attemptList(ctx, { jobId: p.id }),
    });
  });
}

export function jobCounts(ctx: SqliteContext, p: { workspaceId: string }): CountsRow[] {
  const rows = ctx.sql
    .get(
      'SELECT status, category, n FROM job_counts WHERE workspace_id = ? AND n <> 0 ORDER BY category, status',
    )
    .all(p.workspaceId) as Row[];
  return rows.map((r) => ({
    status: r.status as CountsRow['status'],
    category: String(r.category),
    count: num(r.n),
  }));
}

/**
 * Reads the covering index jobs_ws_finished (workspace_id, completed_at, status), never the table:
 * the cost is one index entry per job finished since `since` (86,400 for a day at one job a
 * second), whatever else the workspace holds.
 */
export function jobTimeseries(
  ctx: SqliteContext,
  p: { workspaceId: string; since: number; bucketMs: number },
): TimeseriesBucket[] {
  // A JS number binds as REAL, and REAL division would not truncate to the bucket.
  const bucketMs = BigInt(checkBucketMs(p.bucketMs));
  const rows = ctx.sql
    .get(
      `SELECT completed_at / ? * ? AS start, sum(status = 'completed') AS completed,
         sum(status = 'failed') AS failed, sum(status = 'cancelled') AS cancelled
       FROM jobs INDEXED BY jobs_ws_finished
       WHERE workspace_id = ? AND completed_at IS NOT NULL AND completed_at >= ?
       GROUP BY 1 ORDER BY 1`,
    )
    .all(bucketMs, bucketMs, p.workspaceId, p.since) as Row[];
  return rows.map((r) => ({
    start: num(r.start),
    completed: num(r.completed),
    failed: num(r.failed),
    cancelled: num(r.cancelled),
  }));
}

export function stepList(ctx: SqliteContext, p: { jobId: string }) {
  return (
    ctx.sql.get('SELECT * FROM job_steps WHERE job_id = ? ORDER BY position').all(p.jobId) as Row[]
  ).map(rowToStep);
}

/** Ended attempts from their table, plus the one in flight, read off the job row (its lease). */
export function attemptList(ctx: SqliteContext, p: { jobId: string }) {
  const rows = ctx.sql
    .get(
      `SELECT attempt, worker_id, started_at, ended_at, outcome, error FROM job_attempts WHERE job_id = ?
       UNION ALL
       SELECT attempt, lease_owner, attempt_started_at, NULL, NULL, NULL FROM jobs
         WHERE id = ? AND lease_token IS NOT NULL
       ORDER BY attempt`,
    )
    .all(p.jobId, p.jobId) as Row[];
  return rows.map(rowToAttempt);
}

export function logList(
  ctx: SqliteContext,
  p: { jobId: string; after?: number; limit: number; level?: LogLevel[]; newest?: boolean },
) {
  const levels = p.level?.length ? ` AND level IN (${p.level.map(() => '?').join(', ')})` : '';
  const args = [p.jobId, p.after ?? 0, ...(p.level ?? [])];
  const base = `SELECT id, created_at, level, message, step, attempt FROM job_events
    WHERE job_id = ? AND kind = 'log' AND id > ?${levels}`;
  // The newest lines come off the index backwards and are reversed here: re-sorting them in SQL
  // built a temporary B-tree on every job detail read, even for a job with no logs.
  const rows = ctx.sql
    .get(`${base} ORDER BY id ${p.newest ? 'DESC' : ''} ${limitClause(p.limit)}`)
    .all(...args) as Row[];
  if (p.newest) rows.reverse();
  return rows.map(rowToLog);
}

export function itemList(
  ctx: SqliteContext,
  p: { jobId: string; step?: string; status?: ItemStatus; after?: string; limit: number },
) {
  const where = ['job_id = ?'];
  const args: unknown[] = [p.jobId];
  if (p.step !== undefined) {
    where.push('step = ?');
    args.push(p.step);
  }
  if (p.status !== undefined) {
    where.push('status = ?');
    args.push(p.status);
  }
  if (p.after !== undefined) {
    const [step, key] = splitItemCursor(p.after);
    where.push('(step, key) > (?, ?)');
    args.push(step, key);
  }
  return (
    ctx.sql
      .get(`SELECT * FROM job_items WHERE ${where.join(' AND ')} ORDER BY step, key ${limitClause(p.limit)}`)
      .all(...args) as Row[]
  ).map(rowToItem);
}

export function eventList(
  ctx: SqliteContext,
  p: { workspaceId: string; jobId?: string; after: number; limit: number; kinds?: EventKind[] },
) {
  const kinds = p.kinds?.length ? ` AND kind IN (${p.kinds.map(() => '?').join(', ')})` : '';
  const sql = p.jobId
    ? `SELECT * FROM job_events WHERE job_id = ? AND workspace_id = ? AND id > ?${kinds} ORDER BY id ${limitClause(p.limit)}`
    : `SELECT * FROM job_events WHERE id > ? AND workspace_id = ? AND kind <> 'log'${kinds} ORDER BY id ${limitClause(p.limit)}`;
  const args = p.jobId ? [p.jobId, p.workspaceId, p.after] : [p.after, p.workspaceId];
  return (ctx.sql.get(sql).all(...args, ...(p.kinds ?? [])) as Row[]).map(rowToEvent);
}

export function settingGet(ctx: SqliteContext, p: { name: string }): string | null {
  const row = ctx.sql.get('SELECT value FROM settings WHERE name = ?').get(p.name) as Row | undefined;
  return row === undefined ? null : String(row.value);
}

/** sqlite_sequence holds the highest id AUTOINCREMENT ever issued (migration 002). */
export function eventSequenceLast(ctx: SqliteContext): number {
  const row = ctx.sql.get("SELECT seq FROM sqlite_sequence WHERE name = 'job_events'").get() as
    | Row
    | undefined;
  return row?.seq == null ? 0 : num(row.seq);
}

/**
 * The newest event id of a job, or of a workspace's status/progress/step events. Without a
 * workspace index the workspace case walks the primary key backwards; a workspace with no jobs is
 * answered from the jobs index first so that walk never scans the table for nothing.
 */
export function eventNewestId(ctx: SqliteContext, p: { workspaceId: string; jobId?: string }): number {
  let row: Row | undefined;
  if (p.jobId) {
    row = ctx.sql
      .get('SELECT max(id) AS id FROM job_events WHERE job_id = ? AND workspace_id = ?')
      .get(p.jobId, p.workspaceId) as Row | undefined;
  } else if (ctx.sql.get('SELECT 1 FROM jobs WHERE workspace_id = ? LIMIT 1').get(p.workspaceId)) {
    row = ctx.sql
      .get("SELECT id FROM job_events WHERE workspace_id = ? AND kind <> 'log' ORDER BY id DESC LIMIT 1")
      .get(p.workspaceId) as Row | undefined;
  }
  return row?.id == null ? 0 : num(row.id);
}
