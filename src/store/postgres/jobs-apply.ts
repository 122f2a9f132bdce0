/**
 * The worker's fenced writes on PostgreSQL: `jobWrite` (buffered progress, logs, items, steps) and
 * `jobFinish`. One transaction each, however many jobs: a SELECT … FOR NO KEY UPDATE fences and locks
 * the rows whose lease matches, TypeScript applies the same rules as SQLite (log cap, retry
 * accounting, cancel-wins) to the locked values, and one WriteSet statement writes the outcome with
 * COMMIT in the same round trip.
 */
import type { JobStatus } from '../../core/status.ts';
import type { FinishResult, JobFinish, JobWriteBatch, Lease } from '../types.ts';
import { announce, nowParam, nowSql, type PgContext, type Tx, transaction } from './context.ts';
import { buffersNothing, jobFinishFast } from './jobs-finish.ts';
import { WriteSet } from './write-set.ts';

/** A fenced job row as this transaction holds it; mutated as the batch applies, so repeats see their predecessors. */
export interface JobState {
  id: string;
  workspaceId: string;
  category: string;
  status: JobStatus;
  attempt: number;
  releasedAttempts: number;
  maxAttempts: number;
  logsTotal: number;
  logsDropped: number;
  progress: { total: number; completed: number; failed: number };
  leaseOwner: string | null;
  attemptStartedAt: number;
  stepsCount: number;
}

/** Locks, in id order (a stable order keeps two batches from deadlocking), the rows whose lease is current. */
async function fence(
  tx: Tx,
  ctx: PgContext,
  leases: Lease[],
): Promise<{ states: Map<string, JobState>; now: number }> {
  const rows = await tx.query({
    name: 'longrun_fence',
    text: `SELECT j.id, j.workspace_id, j.category, j.status, j.attempt, j.released_attempts, j.max_attempts,
             j.logs_total, j.logs_dropped, j.progress_total, j.progress_completed, j.progress_failed, j.lease_owner,
             j.attempt_started_at, (SELECT count(*) FROM job_steps s WHERE s.job_id = j.id)::int AS steps_count,
             ${nowSql(1)} AS now
           FROM jobs j JOIN unnest($2::text[], $3::int[], $4::text[]) v(id, attempt, token)
             ON j.id = v.id AND j.attempt = v.attempt AND j.lease_token = v.token
           ORDER BY j.id
           FOR NO KEY UPDATE OF j`,
    values: [
      nowParam(ctx),
      leases.map((l) => l.jobId),
      leases.map((l) => l.attempt),
      leases.map((l) => l.token),
    ],
  });
  const states = new Map<string, JobState>();
  let now = nowParam(ctx) ?? 0;
  for (const r of rows) {
    now = Number(r.now);
    states.set(String(r.id), {
      id: String(r.id),
      workspaceId: String(r.workspace_id),
      category: String(r.category),
      status: r.status as JobStatus,
      attempt: Number(r.attempt),
      releasedAttempts: Number(r.released_attempts),
      maxAttempts: Number(r.max_attempts),
      logsTotal: Number(r.logs_total),
      logsDropped: Number(r.logs_dropped),
      progress: {
        total: Number(r.progress_total),
        completed: Number(r.progress_completed),
        failed: Number(r.progress_failed),
      },
      leaseOwner: r.lease_owner === null ? null : String(r.lease_owner),
      attemptStartedAt: Number(r.attempt_started_at),
      stepsCount: Number(r.steps_count),
    });
  }
  return { states, now };
}

function fenced(states: Map<string, JobState>, lease: Lease): JobState | undefined {
  const s = states.get(lease.jobId);
  return s && s.attempt === lease.attempt ? s : undefined;
}

/** The same rules as SQLite's `applyWrites`, recorded into the write set. */
function applyWrites(
  ws: WriteSet,
  ctx: PgContext,
  st: JobState,
  w: Omit<JobWriteBatch, 'lease'>,
  now: number,
): void {
  const base = { workspaceId: st.workspaceId, jobId: st.id, attempt: st.attempt, now };
  for (const s of w.steps ?? []) {
    const running = s.status === 'running';
    ws.step({
      jobId: st.id,
      name: s.name,
      workspaceId: st.workspaceId,
      running,
      position: running ? st.stepsCount++ : 0,
      status: s.status,
      result: running || s.result === undefined ? null : JSON.stringify(s.result),
      attempt: st.attempt,
      startedAt: now,
      completedAt: running ? null : now,
    });
    ws.event({ ...base, kind: 'step', step: s.name, data: { name: s.name, status: s.status } });
  }
  for (const it of w.items ?? []) ws.item(st.id, st.workspaceId, it, st.attempt, now);
  const logsBefore = st.logsTotal;
  const droppedBefore = st.logsDropped;
  for (const l of w.logs ?? []) {
    if (st.logsTotal >= ctx.maxLogsPerJob) {
      if (st.logsDropped === 0) {
        // One marker line, beyond the cap, so a reader knows the log is incomplete.
        ws.event({
          ...base,
          now: l.timestamp,
          kind: 'log',
          level: 'warn',
          step: l.step,
          message: `log limit of ${ctx.maxLogsPerJob} lines reached; further lines are dropped`,
        });
      }
      st.logsDropped++;
      continue;
    }
    ws.event({ ...base, now: l.timestamp, kind: 'log', level: l.level, step: l.step, message: l.message });
    st.logsTotal++;
  }
  const p = w.progress;
  const stepChanged = w.currentStep !== undefined;
  if (!p && !stepChanged && st.logsTotal === logsBefore && st.logsDropped === droppedBefore) return;
  const u = ws.job(st.id, now);
  if (p) {
    st.progress = {
      total: p.total ?? st.progress.total,
      completed: st.progress.completed + (p.completed ?? 0),
      failed: st.progress.failed + (p.failed ?? 0),
    };
    u.progress = { ...st.progress };
  }
  if (stepChanged) u.currentStep = w.currentStep ?? null;
  u.logs = { total: st.logsTotal, dropped: st.logsDropped };
  if (p) ws.event({ ...base, kind: 'progress', data: { ...st.progress } });
}

function finishOne(ws: WriteSet, st: JobState, f: JobFinish, now: number): JobStatus {
  const cancelled = st.status === 'cancelled';
  const retry =
    !cancelled &&
    (f.outcome === 'failed' || f.outcome === 'timed_out') &&
    f.retryDelayMs != null &&
    st.attempt - st.releasedAttempts < st.maxAttempts;
  let status: JobStatus;
  if (cancelled) status = 'cancelled';
  else if (f.outcome === 'completed') status = 'completed';
  else if (f.outcome === 'released' || retry) status = 'pending';
  else status = 'failed';
  const runAt = f.outcome === 'released' ? now : retry ? now + (f.retryDelayMs ?? 0) : null;
  const u = ws.job(st.id, now);
  u.status = status;
  u.endLease = true;
  u.currentStep = null;
  u.completedAt = status === 'pending' ? null : now;
  u.runAt = runAt;
  u.releasedDelta += f.outcome === 'released' ? 1 : 0;
  if (f.result !== undefined) u.result = JSON.stringify(f.result);
  if (f.error) u.error = f.error;
  ws.attempt({
    jobId: st.id,
    attempt: st.attempt,
    workspaceId: st.workspaceId,
    workerId: st.leaseOwner,
    startedAt: st.attemptStartedAt,
    endedAt: now,
    outcome: cancelled ? 'cancelled' : f.outcome,
    error: f.error ? `${f.error.code}: ${f.error.message}` : null,
  });
  ws.event({
    workspaceId: st.workspaceId,
    jobId: st.id,
    kind: 'status',
    attempt: st.attempt,
    now,
    data: {
      status,
      completedAt: status === 'pending' ? null : now,
      ...(status === 'pending' ? { runAt } : {}),
    },
  });
  ws.deltas.move(st.workspaceId, st.category, st.status, status);
  if (status === 'pending') ws.announce({ channel: 'jobs' });
  if (f.outcome === 'released') st.releasedAttempts++;
  st.status = status;
  return status;
}

export async function jobWrite(ctx: PgContext, writes: JobWriteBatch[]): Promise<boolean[]> {
  if (writes.length === 0) return [];
  const { out, ws } = await transaction(ctx, async (tx) => {
    const ws = new WriteSet();
    const { states, now } = await fence(
      tx,
      ctx,
      writes.map((w) => w.lease),
    );
    const applied = writes.map((w) => {
      const st = fenced(states, w.lease);
      if (!st) return false;
      applyWrites(ws, ctx, st, w, now);
      return true;
    });
    if (!ws.isEmpty) {
      ws.announce({ channel: 'events' });
      await tx.queryAndCommit(ws.toQuery(ctx));
    }
    return { out: applied, ws };
  });
  announce(ctx, ws.announced);
  return out;
}

/**
 * Finishes with nothing buffered take the one-statement path; the others are fenced and locked
 * first, since their log cap and step positions depend on the row. Each job's finish is atomic;
 * the two groups commit separately.
 */
export async function jobFinish(ctx: PgContext, finishes: JobFinish[]): Promise<FinishResult[]> {
  if (finishes.length === 0) return [];
  const plain = finishes.filter((f) => buffersNothing(f.writes));
  if (plain.length === finishes.length) return jobFinishFast(ctx, finishes);
  const buffered = finishes.filter((f) => !buffersNothing(f.writes));
  // One after the other: a job listed twice must not have its two finishes wait on each other.
  const fenced = await jobFinishFenced(ctx, buffered);
  const fast = plain.length > 0 ? await jobFinishFast(ctx, plain) : [];
  return finishes.map((f) => (buffersNothing(f.writes) ? fast.shift() : fenced.shift()) as FinishResult);
}

async function jobFinishFenced(ctx: PgContext, finishes: JobFinish[]): Promise<FinishResult[]> {
  const { out, ws } = await transaction(ctx, async (tx) => {
    const ws = new WriteSet();
    const { states, now } = await fence(
      tx,
      ctx,
      finishes.map((f) => f.lease),
    );
    const results = finishes.map((f): FinishResult => {
      const st = fenced(states, f.lease);
      // A lease finishes once: a repeat in the same batch finds the lease already spent.
      if (!st || st.status === 'pending' || st.status === 'completed' || st.status === 'failed') {
        return { jobId: f.lease.jobId, applied: false, status: null };
      }
      if (f.writes) applyWrites(ws, ctx, st, f.writes, now);
      const status = finishOne(ws, st, f, now);
      states.delete(st.id);
      return { jobId: f.lease.jobId, applied: true, status };
    });
    if (!ws.isEmpty) {
      ws.announce({ channel: 'events' });
      await tx.queryAndCommit(ws.toQuery(ctx));
    }
    return { out: results, ws };
  });
  announce(ctx, ws.announced);
  return out;
}
