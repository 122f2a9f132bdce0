/**
 * Finishing attempts on PostgreSQL. What a finish does to its job is write-rules.ts's `planFinish`.
 * A finish with buffered writes is fenced and locked first (its log cap and step positions depend on
 * the row), then the plan is persisted with them in one WriteSet statement. The hot path, a finish
 * with nothing left in its buffer (every no-op job, and most jobs whose last progress was already
 * flushed), is ONE statement whose UPDATE fences the lease in its WHERE clause and computes the plan
 * in a CASE, then records the attempt, the status event and the count moves from what it returned:
 * one round trip, one commit. The conformance suite pins that CASE to `planFinish`.
 */
import type { JobStatus } from '../../core/status.ts';
import type { FinishResult, JobFinish, JobWriteBatch } from '../types.ts';
import { finishEventData, planFinish } from '../write-rules.ts';
import { announce, CLOCK_SQL, eventLockFilter, nowParam, type PgContext, writeOne } from './context.ts';
import { applyWrites, fenced, inFencedTransaction, type JobState } from './jobs-progress.ts';
import { clean, type WriteSet } from './write-set.ts';

function buffersNothing(w: Omit<JobWriteBatch, 'lease'> | undefined): boolean {
  return (
    !w ||
    (!w.progress && !w.logs?.length && !w.items?.length && !w.steps?.length && w.currentStep === undefined)
  );
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

const leaseKey = (id: unknown, attempt: unknown, token: unknown) => `${id}\u0000${attempt}\u0000${token}`;

async function jobFinishFast(ctx: PgContext, finishes: JobFinish[]): Promise<FinishResult[]> {
  // A lease repeated in the batch is sent once and answered once; the repeat finds it spent.
  const seen = new Set<string>();
  const unique = finishes.filter((f) => {
    const k = leaseKey(f.lease.jobId, f.lease.attempt, f.lease.token);
    return !seen.has(k) && seen.add(k);
  });
  const c = <T>(f: (x: JobFinish) => T) => unique.map(f);
  const retrying = (f: JobFinish) =>
    (f.outcome === 'failed' || f.outcome === 'timed_out') && f.retryDelayMs != null;
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
  const status = new Map(rows.map((r) => [leaseKey(r.id, r.attempt, r.token), r.status as JobStatus]));
  if (rows.length > 0) {
    // A retry is claimable again; a finish that frees a concurrency slot may let a waiting job start.
    const wake = rows.some((r) => r.status === 'pending') || unique.some((f) => f.freesSlot);
    announce(ctx, { channel: wake ? 'jobs' : 'events' });
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

/**
 * Finishes with nothing buffered take the one-statement path; the others are fenced and locked
 * first. Each job's finish is atomic; the two groups commit separately.
 */
export async function jobFinish(ctx: PgContext, finishes: JobFinish[]): Promise<FinishResult[]> {
  if (finishes.length === 0) return [];
  const plain = finishes.filter((f) => buffersNothing(f.writes));
  if (plain.length === finishes.length) return jobFinishFast(ctx, finishes);
  const buffered = finishes.filter((f) => !buffersNothing(f.writes));
  // One after the other: a job listed twice must not have its two finishes wait on each other.
  const withWrites = await jobFinishFenced(ctx, buffered);
  const fast = plain.length > 0 ? await jobFinishFast(ctx, plain) : [];
  return finishes.map((f) => (buffersNothing(f.writes) ? fast.shift() : withWrites.shift()) as FinishResult);
}

function jobFinishFenced(ctx: PgContext, finishes: JobFinish[]): Promise<FinishResult[]> {
  return inFencedTransaction(
    ctx,
    finishes.map((f) => f.lease),
    (writeSet, states, now) =>
      finishes.map((f): FinishResult => {
        const st = fenced(states, f.lease);
        // A lease finishes once: a repeat in the same batch finds the lease already spent.
        if (!st) return { jobId: f.lease.jobId, applied: false, status: null };
        if (f.writes) applyWrites(writeSet, ctx, st, f.writes, now);
        const status = finishOne(writeSet, st, f, now);
        states.delete(st.id);
        return { jobId: f.lease.jobId, applied: true, status };
      }),
  );
}

/** Records `planFinish`'s decision for one fenced job into the write set. */
function finishOne(writeSet: WriteSet, st: JobState, f: JobFinish, now: number): JobStatus {
  const plan = planFinish(st, f, now);
  const u = writeSet.job(st.id, now);
  u.status = plan.status;
  u.endLease = true;
  u.currentStep = null;
  u.completedAt = plan.completedAt;
  u.runAt = plan.runAt;
  u.releasedDelta += plan.releasedDelta;
  if (f.result !== undefined) u.result = JSON.stringify(f.result);
  if (f.error) u.error = f.error;
  writeSet.attempt({
    jobId: st.id,
    attempt: st.attempt,
    workspaceId: st.workspaceId,
    workerId: st.leaseOwner,
    startedAt: st.attemptStartedAt,
    endedAt: now,
    outcome: plan.attemptOutcome,
    error: plan.attemptError,
  });
  writeSet.event({
    workspaceId: st.workspaceId,
    jobId: st.id,
    kind: 'status',
    attempt: st.attempt,
    now,
    data: finishEventData(plan),
  });
  writeSet.deltas.move(st.workspaceId, st.category, st.status, plan.status);
  if (plan.status === 'pending' || f.freesSlot) writeSet.announce({ channel: 'jobs' });
  return plan.status;
}
