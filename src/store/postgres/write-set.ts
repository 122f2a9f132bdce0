/**
 * Everything a fenced batch changes (steps, items, job rows, attempts, events, counts) gathered in
 * column arrays and written by ONE statement of data-modifying CTEs over `unnest`. jobWrite,
 * jobFinish, jobCancel and leaseReap decide in TypeScript (with the job rows locked) and then pay a
 * single round trip whatever the batch size. A statement may not touch one row twice, so the set
 * merges per key: one job update per job, one step row per (job, name), one item per (job, step, key).
 */
import type { JobStatus } from '../../core/status.ts';
import { CountDeltas } from '../rows.ts';
import type { Notify, PgContext, Query } from './context.ts';
import { WRITE_SET_SQL } from './write-set-sql.ts';

export interface JobUpdate {
  status: JobStatus | null;
  progress: { total: number; completed: number; failed: number } | null;
  /** `undefined` leaves current_step alone. */
  currentStep?: string | null;
  /** `dropped: null` leaves logs_dropped alone. */
  logs: { total: number; dropped: number | null } | null;
  updatedAt: number;
  /** Clears the lease (the attempt is over); lease_owner stays as a fact about the last attempt. */
  endLease: boolean;
  /** `undefined` leaves completed_at alone. */
  completedAt?: number | null;
  runAt: number | null;
  releasedDelta: number;
  /** `undefined` leaves result alone; otherwise JSON text or null. */
  result?: string | null;
  error?: { code: string; message: string } | null;
  cancelRequestedAt: number | null;
}

interface StepRow {
  jobId: string;
  name: string;
  workspaceId: string;
  /** True when this batch (re)started the step: insert or reset it; else update the existing row. */
  upsert: boolean;
  position: number;
  status: string;
  result: string | null;
  attempt: number;
  startedAt: number;
  completedAt: number | null;
}

/** PostgreSQL text cannot hold NUL; user-supplied text loses it rather than failing the batch. */
export function clean(s: string): string;
export function clean(s: string | null): string | null;
export function clean(s: string | null): string | null {
  return s?.includes('\u0000') ? s.replaceAll('\u0000', '\uFFFD') : s;
}

export class WriteSet {
  private readonly steps = new Map<string, StepRow>();
  private readonly items = new Map<string, unknown[]>();
  private readonly jobs = new Map<string, JobUpdate>();
  private readonly attempts: unknown[][] = [];
  private readonly events: unknown[][] = [];
  readonly deltas = new CountDeltas();
  private notify: Notify | null = null;

  get isEmpty(): boolean {
    return (
      this.steps.size + this.items.size + this.jobs.size + this.attempts.length + this.events.length === 0 &&
      [...this.deltas.entries()].length === 0 &&
      this.notify === null
    );
  }

  /** What listeners are told after the commit: the most specific wins (a cancel or new work implies events). */
  announce(n: Notify): void {
    const rank = (x: Notify | null) =>
      x === null ? 0 : x.channel === 'events' ? 1 : x.channel === 'jobs' ? 2 : 3;
    if (rank(n) > rank(this.notify)) this.notify = n;
  }

  get announced(): Notify | null {
    return this.notify;
  }

  step(row: Omit<StepRow, 'upsert' | 'position'> & { running: boolean; position: number }): void {
    const key = `${row.jobId}\u0000${row.name}`;
    const prev = this.steps.get(key);
    const upsert = row.running || (prev?.upsert ?? false);
    this.steps.set(key, {
      ...row,
      upsert,
      position: prev?.position ?? row.position,
      startedAt: row.running ? row.startedAt : (prev?.startedAt ?? row.startedAt),
      attempt: row.attempt,
    });
  }

  item(
    jobId: string,
    workspaceId: string,
    it: { step: string; key: string; status: string; error: string | null },
    attempt: number,
    now: number,
  ): void {
    this.items.set(`${jobId}\u0000${it.step}\u0000${it.key}`, [
      jobId,
      it.step,
      it.key,
      workspaceId,
      it.status,
      clean(it.error),
      attempt,
      now,
    ]);
  }

  /** The pending update of a job row, created on first use; later calls in the batch refine it. */
  job(jobId: string, now: number): JobUpdate {
    let u = this.jobs.get(jobId);
    if (!u) {
      u = {
        status: null,
        progress: null,
        logs: null,
        updatedAt: now,
        endLease: false,
        runAt: null,
        releasedDelta: 0,
        cancelRequestedAt: null,
      };
      this.jobs.set(jobId, u);
    }
    u.updatedAt = now;
    return u;
  }

  attempt(a: {
    jobId: string;
    attempt: number;
    workspaceId: string;
    workerId: string | null;
    startedAt: number;
    endedAt: number;
    outcome: string;
    error: string | null;
  }): void {
    this.attempts.push([
      a.jobId,
      a.attempt,
      a.workspaceId,
      a.workerId,
      a.startedAt,
      a.endedAt,
      a.outcome,
      clean(a.error),
    ]);
  }

  event(e: {
    workspaceId: string;
    jobId: string;
    kind: 'status' | 'progress' | 'step' | 'log';
    attempt: number;
    now: number;
    data?: Record<string, unknown> | null;
    level?: string | null;
    step?: string | null;
    message?: string | null;
  }): void {
    this.events.push([
      e.workspaceId,
      e.jobId,
      e.kind,
      e.level ?? null,
      e.step ?? null,
      e.attempt,
      e.message === undefined ? null : clean(e.message),
      e.data ? JSON.stringify(e.data) : null,
      e.now,
    ]);
  }

  /** The one statement; `shard` spreads the count deltas (see job_counts in 001_init.sql). */
  toQuery(ctx: PgContext): Query {
    const steps = [...this.steps.values()];
    const up = steps.filter((s) => s.upsert);
    const upd = steps.filter((s) => !s.upsert);
    const jobs = [...this.jobs.entries()];
    const shard = Math.floor(Math.random() * 16);
    const counts = [...this.deltas.entries()].sort((a, b) =>
      a.workspaceId !== b.workspaceId
        ? cmp(a.workspaceId, b.workspaceId)
        : a.category !== b.category
          ? cmp(a.category, b.category)
          : cmp(a.status, b.status),
    );
    const col = <T, V>(rows: T[], f: (r: T) => V): V[] => rows.map(f);
    const values: unknown[] = [
      // $1-$9 step upserts
      col(up, (s) => s.jobId),
      col(up, (s) => s.name),
      col(up, (s) => s.workspaceId),
      col(up, (s) => s.position),
      col(up, (s) => s.status),
      col(up, (s) => s.result),
      col(up, (s) => s.attempt),
      col(up, (s) => s.startedAt),
      col(up, (s) => s.completedAt),
      // $10-$14 step updates
      col(upd, (s) => s.jobId),
      col(upd, (s) => s.name),
      col(upd, (s) => s.status),
      col(upd, (s) => s.result),
      col(upd, (s) => s.completedAt),
      // $15-$22 items
      ...transpose([...this.items.values()], 8),
      // $23-$43 job updates
      col(jobs, ([id]) => id),
      col(jobs, ([, u]) => u.status),
      col(jobs, ([, u]) => u.progress?.total ?? null),
      col(jobs, ([, u]) => u.progress?.completed ?? null),
      col(jobs, ([, u]) => u.progress?.failed ?? null),
      col(jobs, ([, u]) => u.currentStep !== undefined),
      col(jobs, ([, u]) => u.currentStep ?? null),
      col(jobs, ([, u]) => u.logs?.total ?? null),
      col(jobs, ([, u]) => u.logs?.dropped ?? null),
      col(jobs, ([, u]) => u.updatedAt),
      col(jobs, ([, u]) => u.endLease),
      col(jobs, ([, u]) => u.completedAt !== undefined),
      col(jobs, ([, u]) => u.completedAt ?? null),
      col(jobs, ([, u]) => u.runAt),
      col(jobs, ([, u]) => u.releasedDelta),
      col(jobs, ([, u]) => u.result !== undefined),
      col(jobs, ([, u]) => u.result ?? null),
      col(jobs, ([, u]) => u.error !== undefined),
      col(jobs, ([, u]) => u.error?.code ?? null),
      col(jobs, ([, u]) => (u.error ? clean(u.error.message) : null)),
      col(jobs, ([, u]) => u.cancelRequestedAt),
      // $44-$51 attempts, $52-$60 events
      ...transpose(this.attempts, 8),
      ...transpose(this.events, 9),
      // $61-$62 event lock, $63-$67 counts
      ctx.eventLock[0],
      ctx.eventLock[1],
      col(counts, (c) => c.workspaceId),
      col(counts, (c) => c.category),
      col(counts, (c) => c.status),
      col(counts, () => shard),
      col(counts, (c) => c.delta),
    ];
    return { name: 'longrun_write_set', text: WRITE_SET_SQL, values };
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function transpose(rows: unknown[][], width: number): unknown[][] {
  const cols: unknown[][] = Array.from({ length: width }, () => []);
  for (const r of rows) for (let i = 0; i < width; i++) cols[i]?.push(r[i]);
  return cols;
}
