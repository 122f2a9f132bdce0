import { announce, CLOCK_SQL, eventLockFilter, nowParam, writeOne } from "./context.js";
import { clean } from "./write-set.js";
export function buffersNothing(w) {
    return (!w ||
        (!w.progress && !w.logs?.length && !w.items?.length && !w.steps?.length && w.currentStep === undefined));
}
/**
 * A job cancelled while running stays cancelled, and the only statuses a current lease can be in
 * are running and cancelled, so the previous status follows from the new one. lease_owner and
 * attempt_started_at stay on the row (facts about the last attempt) and feed the attempt row.
 */
const FINISH_SQL = `WITH t AS MATERIALIZED (SELECT coalesce($1::bigint, ${CLOCK_SQL}) AS now),
v AS (
  SELECT * FROM unnest($2::text[], $3::int[], $4::text[], $5::text[], $6::bigint[], $7::bool[], $8::text[],
    $9::text[], $10::text[]) AS v(id, attempt, token, outcome, delay, result_set, result, ecode, emsg)
),
upd AS (
  UPDATE jobs j SET
    status = CASE
      WHEN j.status = 'cancelled' THEN 'cancelled'
      WHEN v.outcome = 'completed' THEN 'completed'
      WHEN v.outcome = 'released' THEN 'pending'
      WHEN v.delay IS NOT NULL AND j.attempt - j.released_attempts < j.max_attempts THEN 'pending'
      ELSE 'failed' END,
    completed_at = CASE
      WHEN j.status = 'cancelled' OR v.outcome = 'completed' THEN t.now
      WHEN v.outcome = 'released' THEN NULL
      WHEN v.delay IS NOT NULL AND j.attempt - j.released_attempts < j.max_attempts THEN NULL
      ELSE t.now END,
    run_at = CASE
      WHEN j.status = 'cancelled' THEN j.run_at
      WHEN v.outcome = 'released' THEN t.now
      WHEN v.delay IS NOT NULL AND j.attempt - j.released_attempts < j.max_attempts THEN t.now + v.delay
      ELSE j.run_at END,
    updated_at = t.now, lease_token = NULL, lease_expires_at = NULL, current_step = NULL,
    released_attempts = j.released_attempts + (v.outcome = 'released')::int,
    result = CASE WHEN v.result_set THEN v.result ELSE j.result END,
    error_code = CASE WHEN v.ecode IS NOT NULL THEN v.ecode ELSE j.error_code END,
    error_message = CASE WHEN v.ecode IS NOT NULL THEN v.emsg ELSE j.error_message END
  FROM v, t
  WHERE j.id = v.id AND j.attempt = v.attempt AND j.lease_token = v.token
  RETURNING j.id, j.workspace_id, j.category, j.status, j.attempt, j.lease_owner, j.attempt_started_at, j.run_at,
    t.now, v.outcome, v.ecode, v.emsg, v.token
),
at AS (
  INSERT INTO job_attempts (job_id, attempt, workspace_id, worker_id, started_at, ended_at, outcome, error)
  SELECT id, attempt, workspace_id, lease_owner, attempt_started_at, now,
    CASE WHEN status = 'cancelled' THEN 'cancelled' ELSE outcome END,
    CASE WHEN ecode IS NULL THEN NULL ELSE ecode || ': ' || emsg END
  FROM upd
),
ev AS (
  INSERT INTO job_events (workspace_id, job_id, kind, attempt, data, created_at)
  SELECT workspace_id, id, 'status', attempt,
    CASE WHEN status = 'pending'
      THEN json_build_object('status', status, 'completedAt', NULL, 'runAt', run_at)
      ELSE json_build_object('status', status, 'completedAt', now) END::text,
    now
  FROM upd WHERE ${eventLockFilter(11, 12)}
  ORDER BY id
),
cn AS (
  INSERT INTO job_counts (workspace_id, category, status, shard, n)
  SELECT workspace_id, category, s.status, $13::smallint, sum(s.d) FROM upd u
    CROSS JOIN LATERAL (VALUES (CASE WHEN u.status = 'cancelled' THEN 'cancelled' ELSE 'running' END, -1),
                               (u.status, 1)) s(status, d)
  GROUP BY 1, 2, 3 HAVING sum(s.d) <> 0 ORDER BY 1, 2, 3
  ON CONFLICT (workspace_id, category, status, shard) DO UPDATE SET n = job_counts.n + excluded.n
)
SELECT u.id, u.attempt, u.token, u.status FROM upd u`;
const leaseKey = (id, attempt, token) => `${id}\u0000${attempt}\u0000${token}`;
export async function jobFinishFast(ctx, finishes) {
    // A lease repeated in the batch is sent once and answered once; the repeat finds it spent.
    const seen = new Set();
    const unique = finishes.filter((f) => {
        const k = leaseKey(f.lease.jobId, f.lease.attempt, f.lease.token);
        return !seen.has(k) && seen.add(k);
    });
    const c = (f) => unique.map(f);
    const retrying = (f) => (f.outcome === 'failed' || f.outcome === 'timed_out') && f.retryDelayMs != null;
    const rows = await writeOne(ctx, {
        name: 'longrun_finish_fast',
        text: FINISH_SQL,
        values: [
            nowParam(ctx),
            c((f) => f.lease.jobId),
            c((f) => f.lease.attempt),
            c((f) => f.lease.token),
            c((f) => f.outcome),
            c((f) => (retrying(f) ? f.retryDelayMs : null)),
            c((f) => f.result !== undefined),
            c((f) => (f.result === undefined ? null : JSON.stringify(f.result))),
            c((f) => f.error?.code ?? null),
            c((f) => (f.error ? clean(f.error.message) : null)),
            ctx.eventLock[0],
            ctx.eventLock[1],
            Math.floor(Math.random() * 16),
        ],
    });
    const status = new Map(rows.map((r) => [leaseKey(r.id, r.attempt, r.token), r.status]));
    if (rows.length > 0) {
        announce(ctx, { channel: rows.some((r) => r.status === 'pending') ? 'jobs' : 'events' });
    }
    return finishes.map((f) => {
        const k = leaseKey(f.lease.jobId, f.lease.attempt, f.lease.token);
        const s = status.get(k);
        status.delete(k);
        return s === undefined
            ? { jobId: f.lease.jobId, applied: false, status: null }
            : { jobId: f.lease.jobId, applied: true, status: s };
    });
}
//# sourceMappingURL=jobs-finish.js.map