/**
 * A worker's buffered writes on PostgreSQL (`jobWrite`: progress, logs, items, steps). One
 * transaction however many jobs: a SELECT … FOR NO KEY UPDATE fences and locks the rows whose lease
 * matches, write-rules.ts decides (log cap, progress) from the locked values, and one WriteSet
 * statement writes the outcome with COMMIT in the same round trip. Finishes reuse the fence and
 * `applyWrites` (jobs-finish.ts).
 */
import type { JobStatus } from '../../core/status.ts';
import type { JobWriteBatch, Lease } from '../types.ts';
import { nextProgress, planLogs } from '../write-rules.ts';
import { announce, nowParam, nowSql, type PgContext, type Tx, transaction } from './context.ts';
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
  runAt: number;
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
    text: `SELECT j.id, j.workspace_id, j.category, j.status, j.attempt, j.released_attempts, j.max_attempts, j.run_at,
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
      runAt: Number(r.run_at),
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

export function fenced(states: Map<string, JobState>, lease: Lease): JobState | undefined {
  const s = states.get(lease.jobId);
  return s && s.attempt === lease.attempt ? s : undefined;
}

/** Records one job's buffered writes into the write set; `st` moves with them. */
export function applyWrites(
  writeSet: WriteSet,
  ctx: PgContext,
  st: JobState,
  w: Omit<JobWriteBatch, 'lease'>,
  now: number,
): void {
  const base = { workspaceId: st.workspaceId, jobId: st.id, attempt: st.attempt, now };
  for (const s of w.steps ?? []) {
    const running = s.status === 'running';
    writeSet.step({
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
    writeSet.event({ ...base, kind: 'step', step: s.name, data: { name: s.name, status: s.status } });
  }
  for (const it of w.items ?? []) writeSet.item(st.id, st.workspaceId, it, st.attempt, now);
  const logs = planLogs({ total: st.logsTotal, dropped: st.logsDropped }, w.logs ?? [], ctx.maxLogsPerJob);
  for (const l of logs.lines)
    writeSet.event({
      ...base,
      now: l.timestamp,
      kind: 'log',
      level: l.level,
      step: l.step,
      message: l.message,
    });
  const p = w.progress;
  const stepChanged = w.currentStep !== undefined;
  // Every line given is either kept or counted as dropped: the counts move exactly when lines came.
  const logsChanged = (w.logs?.length ?? 0) > 0;
  if (!p && !stepChanged && !logsChanged) return;
  st.logsTotal = logs.counts.total;
  st.logsDropped = logs.counts.dropped;
  const u = writeSet.job(st.id, now);
  if (p) {
    st.progress = nextProgress(st.progress, p);
    u.progress = { ...st.progress };
  }
  if (stepChanged) u.currentStep = w.currentStep ?? null;
  u.logs = { total: st.logsTotal, dropped: st.logsDropped };
  if (p) writeSet.event({ ...base, kind: 'progress', data: { ...st.progress } });
}

/**
 * One fenced transaction: locks the rows whose lease is current, lets `record` fill a write set
 * from them, commits it in the same round trip, and announces what it wrote once committed.
 */
export async function inFencedTransaction<T>(
  ctx: PgContext,
  leases: Lease[],
  record: (writeSet: WriteSet, states: Map<string, JobState>, now: number) => T,
): Promise<T> {
  const { out, writeSet } = await transaction(ctx, async (tx) => {
    const writeSet = new WriteSet();
    const { states, now } = await fence(tx, ctx, leases);
    const out = record(writeSet, states, now);
    if (!writeSet.isEmpty) {
      writeSet.announce({ channel: 'events' });
      await tx.queryAndCommit(writeSet.toQuery(ctx));
    }
    return { out, writeSet };
  });
  announce(ctx, writeSet.announced);
  return out;
}

export async function jobWrite(ctx: PgContext, writes: JobWriteBatch[]): Promise<boolean[]> {
  if (writes.length === 0) return [];
  return inFencedTransaction(
    ctx,
    writes.map((w) => w.lease),
    (writeSet, states, now) =>
      writes.map((w) => {
        const st = fenced(states, w.lease);
        if (!st) return false;
        applyWrites(writeSet, ctx, st, w, now);
        return true;
      }),
  );
}
