/**
 * The API's two hottest answers written by SQLite itself: a list page and a job's detail, as the
 * JSON text of `toJobJson` / `toJobDetailJson` (core/job-json.ts), without a row object, a job
 * object or a stringify in between. The conformance suite holds them byte-equal to `JSON.stringify`
 * of those functions applied to `jobList` / `jobDetailGet`, on random jobs.
 *
 * Integer columns print as integers; CASE keeps json_object's JSON subtype, so `error` nests as an
 * object; `json(input)` embeds the stored JSON text as JSON. `ORDER BY` inside json_group_array
 * needs SQLite 3.44 (better-sqlite3 bundles its own, newer).
 */
import { JobSchema } from '../../core/job-schema.ts';
import type { JobListJsonPage, JobListParams } from '../types.ts';
import type { SqliteContext } from './context.ts';
import { limitClause } from './db.ts';
import { listSeqs, pageRows } from './jobs-list.ts';

/**
 * The SQL of each public job field over a `jobs` row. The JSON's field list and order come from
 * JobSchema; a field the schema gains without an entry here fails at load, not in a response.
 */
const JOB_COLUMNS: Record<string, string> = {
  id: 'id',
  name: 'name',
  type: 'type',
  category: 'category',
  status: 'status',
  progress:
    "json_object('total', progress_total, 'completed', progress_completed, 'failed', progress_failed)",
  createdAt: 'created_at',
  completedAt: 'completed_at',
  startedAt: 'started_at',
  updatedAt: 'updated_at',
  attempt: 'attempt',
  maxAttempts: 'max_attempts',
  currentStep: 'current_step',
  cancelRequestedAt: 'cancel_requested_at',
  cancelledBy: 'cancel_requested_by',
  error:
    "CASE WHEN error_code IS NULL THEN NULL ELSE json_object('code', error_code, 'message', error_message) END",
  priority: 'priority',
  runAt: 'run_at',
  retryOf: 'retry_of',
  retryOnly: 'retry_only',
  scheduleId: 'schedule_id',
};

const JOB_FIELDS = Object.keys(JobSchema.shape)
  .map((field) => {
    const sql = JOB_COLUMNS[field];
    if (sql === undefined)
      throw new Error(`store/sqlite/job-json.ts: no column for the job field "${field}"`);
    return `'${field}', ${sql}`;
  })
  .join(', ');

/**
 * The page as JSON without a job object in between: a list page is the API's busiest read, and
 * rows → objects → JSON cost 45 µs a page where SQLite writing the JSON costs 29 (and leaves no
 * garbage for the scavenger).
 */
export function jobListJson(ctx: SqliteContext, p: JobListParams): JobListJsonPage {
  return ctx.read(() => {
    const { seqs, next } = listSeqs(ctx, p);
    return {
      json:
        seqs.length === 0 ? '[]' : `[${pageRows(ctx, 'json', `json_object(${JOB_FIELDS})`, seqs).join(',')}]`,
      next,
    };
  });
}

/**
 * The detail in one statement where `jobDetailGet` runs four and builds the objects: the attempts
 * are the same union as `attemptList` (ended ones, and the one in flight read off the outer row
 * rather than looking the job up again), the logs the newest `logLimit` lines in id order.
 */
export function jobDetailJson(
  ctx: SqliteContext,
  p: { workspaceId: string; id: string; logLimit: number },
): string | null {
  const build = () => `SELECT json_object(${JOB_FIELDS},
    'input', json(input), 'result', json(result),
    'logs', (SELECT json_group_array(json_object('id', l.id, 'timestamp', l.created_at, 'level', l.level,
        'message', l.message, 'step', l.step, 'attempt', l.attempt) ORDER BY l.id)
      FROM (SELECT id, created_at, level, message, step, attempt FROM job_events
            WHERE job_id = jobs.id AND kind = 'log' ORDER BY id DESC ${limitClause(p.logLimit)}) l),
    'logsTotal', logs_total,
    'steps', (SELECT json_group_array(json_object('name', s.name, 'status', s.status, 'attempt', s.attempt,
        'startedAt', s.started_at, 'completedAt', s.completed_at) ORDER BY s.position)
      FROM job_steps s WHERE s.job_id = jobs.id),
    'attempts', (SELECT json_group_array(json_object('attempt', a.attempt, 'workerId', a.worker_id,
        'startedAt', a.started_at, 'endedAt', a.ended_at, 'outcome', a.outcome, 'error', a.error) ORDER BY a.attempt)
      FROM (SELECT attempt, worker_id, started_at, ended_at, outcome, error FROM job_attempts WHERE job_id = jobs.id
            UNION ALL
            SELECT jobs.attempt, jobs.lease_owner, jobs.attempt_started_at, NULL, NULL, NULL
              WHERE jobs.lease_token IS NOT NULL) a))
    FROM jobs WHERE id = ? AND workspace_id = ?`;
  const stmt = ctx.sql.named(`jobDetailJson:${p.logLimit}`, build).pluck();
  return ctx.read(() => (stmt.get(p.id, p.workspaceId) as string | undefined) ?? null);
}
