/**
 * The API's reads on PostgreSQL other than list pages (jobs-list.ts). Event and log reads stay at
 * or below the event horizon (context.ts), so a cursor never moves past an id whose transaction
 * has not committed yet.
 */
import type { CountsRow, EventKind, ItemStatus, JobDetail, LogLevel } from '../../core/job.ts';
import { toJobDetailJson } from '../../core/job-json.ts';
import { checkBucketMs, splitItemCursor } from '../list.ts';
import {
  JOB_COLUMNS,
  num,
  parseJson,
  type Row,
  rowToAttempt,
  rowToEvent,
  rowToItem,
  rowToJob,
  rowToLog,
  rowToStep,
} from '../rows.ts';
import type { TimeseriesBucket } from '../types.ts';
import { type PgContext, read, readHorizon } from './context.ts';

export async function jobGet(ctx: PgContext, p: { workspaceId: string; id: string }) {
  const [row] = await read(ctx, {
    name: 'longrun_job_get',
    text: `SELECT ${JOB_COLUMNS}, input, result, logs_total FROM jobs WHERE id = $1 AND workspace_id = $2`,
    values: [p.id, p.workspaceId],
  });
  if (!row) return null;
  return {
    job: rowToJob(row),
    input: parseJson(row.input),
    result: parseJson(row.result),
    logsTotal: num(row.logs_total),
  };
}

/**
 * The whole detail in one statement: one round trip and one snapshot. Logs, steps and attempts come
 * back as JSON arrays whose rows go through the same mappers as the separate reads (BIGINT becomes
 * a JSON number, exact for millisecond timestamps and event ids below 2^53).
 */
export async function jobDetailGet(
  ctx: PgContext,
  p: { workspaceId: string; id: string; logLimit: number },
): Promise<JobDetail | null> {
  const [row] = await read(ctx, {
    name: 'longrun_job_detail_get',
    text: `SELECT ${JOB_COLUMNS}, input, result, logs_total,
      (SELECT coalesce(json_agg(l ORDER BY l.id), '[]') FROM (
         SELECT id, created_at, level, message, step, attempt FROM job_events
         WHERE job_id = $1 AND kind = 'log' AND id <= $4 ORDER BY id DESC LIMIT $3) l) AS logs,
      (SELECT coalesce(json_agg(s ORDER BY s.position, s.name), '[]') FROM job_steps s WHERE s.job_id = $1) AS steps,
      (SELECT coalesce(json_agg(a ORDER BY a.attempt), '[]') FROM (
         SELECT attempt, worker_id, started_at, ended_at, outcome, error FROM job_attempts WHERE job_id = $1
         UNION ALL
         SELECT attempt, lease_owner, attempt_started_at, NULL, NULL, NULL FROM jobs
           WHERE id = $1 AND lease_token IS NOT NULL) a) AS attempts
    FROM jobs WHERE id = $1 AND workspace_id = $2`,
    values: [p.id, p.workspaceId, p.logLimit, await readHorizon(ctx)],
  });
  if (!row) return null;
  return Object.assign(rowToJob(row), {
    input: parseJson(row.input),
    result: parseJson(row.result),
    logs: (row.logs as Row[]).map(rowToLog),
    logsTotal: num(row.logs_total),
    steps: (row.steps as Row[]).map(rowToStep),
    attempts: (row.attempts as Row[]).map(rowToAttempt),
  });
}

/** Written in JS, as the list page is (jobs-list.ts). */
export async function jobDetailJson(
  ctx: PgContext,
  p: { workspaceId: string; id: string; logLimit: number },
): Promise<string | null> {
  const detail = await jobDetailGet(ctx, p);
  return detail && JSON.stringify(toJobDetailJson(detail));
}

export async function jobCounts(ctx: PgContext, p: { workspaceId: string }): Promise<CountsRow[]> {
  const rows = await read(ctx, {
    name: 'longrun_job_counts',
    text: `SELECT status, category, sum(n) AS n FROM job_counts WHERE workspace_id = $1
           GROUP BY category, status HAVING sum(n) <> 0 ORDER BY category, status`,
    values: [p.workspaceId],
  });
  return rows.map((r) => ({
    status: r.status as CountsRow['status'],
    category: String(r.category),
    count: num(r.n),
  }));
}

/**
 * Served by jobs_ws_finished (workspace_id, completed_at) INCLUDE (status): one index entry per job
 * finished since `since` (86,400 for a day at one job a second), read index-only where the
 * visibility map is current, whatever else the workspace holds.
 */
export async function jobTimeseries(
  ctx: PgContext,
  p: { workspaceId: string; since: number; bucketMs: number },
): Promise<TimeseriesBucket[]> {
  const rows = await read(ctx, {
    name: 'longrun_job_timeseries',
    text: `SELECT completed_at / $3::bigint * $3::bigint AS start,
             count(*) FILTER (WHERE status = 'completed') AS completed,
             count(*) FILTER (WHERE status = 'failed') AS failed,
             count(*) FILTER (WHERE status = 'cancelled') AS cancelled
           FROM jobs WHERE workspace_id = $1 AND completed_at IS NOT NULL AND completed_at >= $2
           GROUP BY 1 ORDER BY 1`,
    values: [p.workspaceId, p.since, checkBucketMs(p.bucketMs)],
  });
  return rows.map((r) => ({
    start: num(r.start),
    completed: num(r.completed),
    failed: num(r.failed),
    cancelled: num(r.cancelled),
  }));
}

export async function stepList(ctx: PgContext, p: { jobId: string }) {
  const rows = await read(ctx, {
    name: 'longrun_step_list',
    text: 'SELECT * FROM job_steps WHERE job_id = $1 ORDER BY position, name',
    values: [p.jobId],
  });
  return rows.map(rowToStep);
}

/** Finished attempts from their table, plus the one in flight read off the job's lease. */
export async function attemptList(ctx: PgContext, p: { jobId: string }) {
  const rows = await read(ctx, {
    name: 'longrun_attempt_list',
    text: `SELECT attempt, worker_id, started_at, ended_at, outcome, error FROM job_attempts WHERE job_id = $1
           UNION ALL
           SELECT attempt, lease_owner, attempt_started_at, NULL, NULL, NULL FROM jobs
             WHERE id = $1 AND lease_token IS NOT NULL
           ORDER BY attempt`,
    values: [p.jobId],
  });
  return rows.map(rowToAttempt);
}

export async function logList(
  ctx: PgContext,
  p: { jobId: string; after?: number; limit: number; level?: LogLevel[]; newest?: boolean },
) {
  const levels = p.level?.length ? ' AND level = ANY($5::text[])' : '';
  const base = `SELECT id, created_at, level, message, step, attempt FROM job_events
    WHERE job_id = $1 AND kind = 'log' AND id > $2 AND id <= $4${levels}`;
  const text = p.newest
    ? `SELECT * FROM (${base} ORDER BY id DESC LIMIT $3) l ORDER BY id`
    : `${base} ORDER BY id LIMIT $3`;
  const values: unknown[] = [p.jobId, p.after ?? 0, p.limit, await readHorizon(ctx)];
  if (p.level?.length) values.push(p.level);
  return (await read(ctx, { text, values })).map(rowToLog);
}

export async function itemList(
  ctx: PgContext,
  p: { jobId: string; step?: string; status?: ItemStatus; after?: string; limit: number },
) {
  const values: unknown[] = [p.jobId, p.limit];
  let where = 'job_id = $1';
  if (p.step !== undefined) {
    values.push(p.step);
    where += ` AND step = $${values.length}`;
  }
  if (p.status !== undefined) {
    values.push(p.status);
    where += ` AND status = $${values.length}`;
  }
  if (p.after !== undefined) {
    const [step, key] = splitItemCursor(p.after);
    values.push(step, key);
    where += ` AND (step, key) > ($${values.length - 1}::text COLLATE "C", $${values.length}::text COLLATE "C")`;
  }
  const text = `SELECT * FROM job_items WHERE ${where} ORDER BY step, key LIMIT $2`;
  return (await read(ctx, { text, values })).map(rowToItem);
}

export async function eventList(
  ctx: PgContext,
  p: { workspaceId: string; jobId?: string; after: number; limit: number; kinds?: EventKind[] },
) {
  const values: unknown[] = [p.workspaceId, p.after, p.limit, await readHorizon(ctx)];
  let where = "workspace_id = $1 AND id > $2 AND id <= $4 AND kind <> 'log'";
  if (p.jobId) {
    values.push(p.jobId);
    where = `job_id = $5 AND workspace_id = $1 AND id > $2 AND id <= $4`;
  }
  if (p.kinds?.length) {
    values.push(p.kinds);
    where += ` AND kind = ANY($${values.length}::text[])`;
  }
  const text = `SELECT * FROM job_events WHERE ${where} ORDER BY id LIMIT $3`;
  return (await read(ctx, { text, values })).map(rowToEvent);
}

export async function settingGet(ctx: PgContext, p: { name: string }): Promise<string | null> {
  const [row] = await read(ctx, { text: 'SELECT value FROM settings WHERE name = $1', values: [p.name] });
  return row === undefined ? null : String(row.value);
}

export async function eventSequenceLast(ctx: PgContext): Promise<number> {
  const [row] = await read(ctx, {
    text: "SELECT coalesce(pg_sequence_last_value('job_events_id_seq'::regclass), 0) AS id",
    values: [],
  });
  return num(row?.id);
}

export async function eventNewestId(
  ctx: PgContext,
  p: { workspaceId: string; jobId?: string },
): Promise<number> {
  const horizon = await readHorizon(ctx);
  const [row] = await read(
    ctx,
    p.jobId
      ? {
          text: 'SELECT max(id) AS id FROM job_events WHERE job_id = $1 AND workspace_id = $2 AND id <= $3',
          values: [p.jobId, p.workspaceId, horizon],
        }
      : {
          text: "SELECT max(id) AS id FROM job_events WHERE workspace_id = $1 AND kind <> 'log' AND id <= $2",
          values: [p.workspaceId, horizon],
        },
  );
  return row?.id == null ? 0 : num(row.id);
}
