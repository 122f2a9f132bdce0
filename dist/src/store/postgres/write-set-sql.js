/**
 * The WriteSet statement: data-modifying CTEs, each over `unnest` of column arrays, so a batch of any
 * size is one parse-once prepared statement. Parameter numbers are fixed; `WriteSet.toQuery` fills
 * them in the same order.
 */
import { eventLockFilter } from "./context.js";
export const WRITE_SET_SQL = `WITH
st AS (
  INSERT INTO job_steps (job_id, name, workspace_id, position, status, result, attempt, started_at, completed_at)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::int[],
    $8::bigint[], $9::bigint[])
  ON CONFLICT (job_id, name) DO UPDATE SET status = excluded.status, result = excluded.result,
    attempt = excluded.attempt, started_at = excluded.started_at, completed_at = excluded.completed_at
),
su AS (
  UPDATE job_steps s SET status = v.status, result = v.result, completed_at = v.completed_at
  FROM unnest($10::text[], $11::text[], $12::text[], $13::text[], $14::bigint[]) v(job_id, name, status, result, completed_at)
  WHERE s.job_id = v.job_id AND s.name = v.name
),
it AS (
  INSERT INTO job_items (job_id, step, key, workspace_id, status, error, attempt, updated_at)
  SELECT * FROM unnest($15::text[], $16::text[], $17::text[], $18::text[], $19::text[], $20::text[], $21::int[],
    $22::bigint[])
  ON CONFLICT (job_id, step, key) DO UPDATE SET status = excluded.status, error = excluded.error,
    attempt = excluded.attempt, updated_at = excluded.updated_at
),
ju AS (
  UPDATE jobs j SET
    status = coalesce(v.status, j.status),
    progress_total = coalesce(v.pt, j.progress_total),
    progress_completed = coalesce(v.pc, j.progress_completed),
    progress_failed = coalesce(v.pf, j.progress_failed),
    current_step = CASE WHEN v.cs_set THEN v.cs ELSE j.current_step END,
    logs_total = coalesce(v.lt, j.logs_total),
    logs_dropped = coalesce(v.ld, j.logs_dropped),
    updated_at = v.updated_at,
    lease_token = CASE WHEN v.end_lease THEN NULL ELSE j.lease_token END,
    lease_expires_at = CASE WHEN v.end_lease THEN NULL ELSE j.lease_expires_at END,
    completed_at = CASE WHEN v.completed_set THEN v.completed_at ELSE j.completed_at END,
    run_at = coalesce(v.run_at, j.run_at),
    released_attempts = j.released_attempts + v.rel,
    result = CASE WHEN v.result_set THEN v.result ELSE j.result END,
    error_code = CASE WHEN v.error_set THEN v.ecode ELSE j.error_code END,
    error_message = CASE WHEN v.error_set THEN v.emsg ELSE j.error_message END,
    cancel_requested_at = coalesce(v.cancel_at, j.cancel_requested_at)
  FROM unnest($23::text[], $24::text[], $25::bigint[], $26::bigint[], $27::bigint[], $28::bool[], $29::text[],
    $30::int[], $31::int[], $32::bigint[], $33::bool[], $34::bool[], $35::bigint[], $36::bigint[], $37::int[],
    $38::bool[], $39::text[], $40::bool[], $41::text[], $42::text[], $43::bigint[])
    v(id, status, pt, pc, pf, cs_set, cs, lt, ld, updated_at, end_lease, completed_set, completed_at, run_at, rel,
      result_set, result, error_set, ecode, emsg, cancel_at)
  WHERE j.id = v.id
),
at AS (
  INSERT INTO job_attempts (job_id, attempt, workspace_id, worker_id, started_at, ended_at, outcome, error)
  SELECT * FROM unnest($44::text[], $45::int[], $46::text[], $47::text[], $48::bigint[], $49::bigint[],
    $50::text[], $51::text[])
),
ev AS (
  INSERT INTO job_events (workspace_id, job_id, kind, level, step, attempt, message, data, created_at)
  SELECT v.ws, v.job, v.kind, v.level, v.step, v.attempt, v.message, v.data, v.created_at
  FROM unnest($52::text[], $53::text[], $54::text[], $55::text[], $56::text[], $57::int[], $58::text[],
    $59::text[], $60::bigint[]) WITH ORDINALITY v(ws, job, kind, level, step, attempt, message, data, created_at, ord)
  WHERE ${eventLockFilter(61, 62)}
  ORDER BY v.ord
),
cn AS (
  INSERT INTO job_counts (workspace_id, category, status, shard, n)
  SELECT * FROM unnest($63::text[], $64::text[], $65::text[], $66::smallint[], $67::bigint[])
  ON CONFLICT (workspace_id, category, status, shard) DO UPDATE SET n = job_counts.n + excluded.n
)
SELECT 1`;
//# sourceMappingURL=write-set-sql.js.map