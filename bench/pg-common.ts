/**
 * What the PostgreSQL benchmark shares across Longrun, graphile-worker and pg-boss: the server, a
 * fresh schema per system and phase (dropped afterwards, nothing else touched), the adapter each
 * system implements, worker child processes, and the drain and latency loops — so the three run the
 * exact same workload through the exact same measuring code.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { percentile } from './engine.ts';

export const PG_URL = process.env.LONGRUN_BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Milliseconds with sub-millisecond precision that every process on the machine reads alike:
 * CLOCK_MONOTONIC (libuv's hrtime), which a wall-clock step does not move. `performance.timeOrigin`
 * is the wall clock read once at a process's start, so after a step (this VM's clock is stepped
 * while it runs) a child started later disagreed with its parent by the step: one run measured
 * 4,500 ms from enqueue to start for every system, BullMQ included.
 */
export const sharedNow = (): number => Number(process.hrtime.bigint()) / 1e6;

export const round = (n: number, digits = 0): number => Number(n.toFixed(digits));

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2
    ? (s[(s.length - 1) / 2] ?? Number.NaN)
    : ((s[s.length / 2 - 1] ?? 0) + (s[s.length / 2] ?? 0)) / 2;
};

/** `a ÷ b` as `1.12×`; `—` when either is missing. */
export const ratio = (a: number, b: number): string =>
  Number.isFinite(a) && b > 0 ? `${(a / b).toFixed(2)}×` : '—';

/** `median (min–max)` of one figure over the rounds; the median alone for a single round. */
export function spread(xs: number[]): string {
  const fmt = (n: number) => round(n, n < 100 ? 2 : 0).toLocaleString('en-US');
  if (xs.length === 0) return '—';
  if (xs.length === 1) return fmt(xs[0] ?? Number.NaN);
  return `${fmt(median(xs))} (${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))})`;
}

/** Schema names of this benchmark start with `bench_pg_` so a leftover one is recognisable. */
export function newSchema(system: string): string {
  return `bench_pg_${system}_${randomBytes(4).toString('hex')}`;
}

export async function adminQuery(sql: string, values: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return await client.query(sql, values);
  } finally {
    await client.end();
  }
}

/**
 * Runs every cleanup step even when an earlier one fails, and drops the schema last: a peer whose
 * stop() throws must not leave its tables behind on a shared server.
 */
async function cleanup(
  adapter: Adapter,
  schema: string,
  ...steps: (() => Promise<unknown> | undefined)[]
): Promise<void> {
  for (const step of [...steps, () => adapter.uninstall?.(schema)]) {
    try {
      await step();
    } catch (err) {
      process.stderr.write(`[bench postgres] cleanup: ${(err as Error).message}\n`);
    }
  }
  await dropSchema(schema);
}

export async function dropSchema(schema: string): Promise<void> {
  if (!/^bench_pg_[a-z0-9_]+$/.test(schema)) throw new Error(`refusing to drop schema ${schema}`);
  await adminQuery(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}

/** The parent's handle on one system in one schema: enqueue and count. */
export interface BenchClient {
  /** Enqueues `n` no-op jobs with the system's batch API: one round trip or one transaction. */
  enqueueBatch(n: number): Promise<void>;
  /** Enqueues one no-op job with the system's ordinary single-job call. */
  enqueueOne(i: number): Promise<void>;
  /** Jobs completed (committed as done) so far. */
  completed(): Promise<number>;
  close(): Promise<void>;
}

export interface RunningWorker {
  stop(): Promise<void>;
}

export interface WorkerHooks {
  /** Called by the no-op handler with `sharedNow()` when it starts; latency runs only. */
  onStart?: (t: number) => void;
  /** Called by the handler with the number of jobs it ran (a batch handler passes its batch size). */
  onRan?: (n: number) => void;
}

export interface Adapter {
  label: string;
  /** The settings the worker runs with, printed next to the figures. */
  settings: string;
  /** Creates the system's tables in `schema`. */
  install(schema: string): Promise<void>;
  /** Removes what a system keeps outside a PostgreSQL schema (a SQLite file, a Redis queue). */
  uninstall?(schema: string): Promise<void>;
  open(schema: string): Promise<BenchClient>;
  /**
   * Connects (pool, migrations check) and returns `go`, which starts processing: the drain clock
   * starts at `go`, so process start-up and connecting are not counted for anyone.
   */
  prepareWorker(schema: string, hooks: WorkerHooks): Promise<{ go(): Promise<RunningWorker> }>;
}

/** A worker child process (bench/pg-worker-proc.ts) driven over IPC. */
interface Child {
  proc: ChildProcess;
  next(type: string): Promise<Record<string, unknown>>;
  onMessage(fn: (m: Record<string, unknown>) => void): void;
}

export function spawnWorkerProc(system: string, schema: string, report = false): Child {
  // Reports: 1 = every handler start (latency runs), 0 = only the jobs run (drains).
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'pg-worker-proc.ts'), system, schema, report ? '1' : '0'],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, LONGRUN_BENCH_PG: PG_URL } },
  );
  const waiting = new Map<string, (m: Record<string, unknown>) => void>();
  const listeners: ((m: Record<string, unknown>) => void)[] = [];
  proc.on('message', (raw) => {
    const m = raw as Record<string, unknown>;
    const w = waiting.get(String(m.type));
    if (w) {
      waiting.delete(String(m.type));
      w(m);
    }
    for (const l of listeners) l(m);
  });
  const exited = new Promise<never>((_, reject) =>
    proc.on('exit', (code) => reject(new Error(`${system} worker process exited with ${code}`))),
  );
  exited.catch(() => {});
  return {
    proc,
    next: (type) => Promise.race([new Promise<Record<string, unknown>>((r) => waiting.set(type, r)), exited]),
    onMessage: (fn) => listeners.push(fn),
  };
}

async function stopChildren(children: Child[]): Promise<void> {
  await Promise.all(
    children.map(async (c) => {
      const exit = new Promise((r) => c.proc.once('exit', r));
      c.proc.send({ type: 'stop' });
      const timer = setTimeout(() => c.proc.kill('SIGKILL'), 15_000);
      await exit;
      clearTimeout(timer);
    }),
  );
}

/**
 * Waits until the handlers have run `total` jobs (their processes' counters, sent over IPC, cost
 * every system the same), and only then until the database shows every job completed: the
 * database is asked only in that tail, so a system whose completed count is a `count(*)` over its
 * job table is not slowed by the check while it drains, and no system is timed before its
 * completions are durable.
 */
async function waitCompleted(
  client: BenchClient,
  ran: () => number,
  total: number,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const tick = () => {
    if (Date.now() > deadline) throw new Error(`not drained within ${timeoutMs} ms`);
    return new Promise((r) => setTimeout(r, 20));
  };
  while (ran() < total) await tick();
  while ((await client.completed()) < total) await tick();
}

/**
 * `jobs` no-op jobs enqueued in batches of `batch` first, then `procs` worker processes started
 * together; jobs/s from the moment they are told to go until the last completion is visible.
 */
export async function drainInProcesses(
  adapter: Adapter,
  system: string,
  opts: { procs: number; jobs: number; batch: number; timeoutMs: number },
): Promise<number> {
  const schema = newSchema(system);
  let client: BenchClient | null = null;
  const children: Child[] = [];
  try {
    await adapter.install(schema);
    client = await adapter.open(schema);
    for (let done = 0; done < opts.jobs; done += opts.batch)
      await client.enqueueBatch(Math.min(opts.batch, opts.jobs - done));
    const ran = new Map<Child, number>();
    for (let i = 0; i < opts.procs; i++) {
      const child = spawnWorkerProc(system, schema);
      child.onMessage((m) => {
        if (m.type === 'ran') ran.set(child, Number(m.n));
      });
      children.push(child);
    }
    await Promise.all(children.map((c) => c.next('ready')));
    const t0 = performance.now();
    for (const c of children) c.proc.send({ type: 'go' });
    const ranTotal = () => [...ran.values()].reduce((a, b) => a + b, 0);
    await waitCompleted(client, ranTotal, opts.jobs, opts.timeoutMs);
    return round(opts.jobs / ((performance.now() - t0) / 1000));
  } finally {
    await cleanup(
      adapter,
      schema,
      () => stopChildren(children),
      () => client?.close(),
    );
  }
}

/** Bulk enqueue: a warm-up batch (statement preparation), then `rounds` timed batches of `batch`. */
export async function bulkEnqueue(
  adapter: Adapter,
  system: string,
  opts: { batch: number; rounds: number },
): Promise<number> {
  const schema = newSchema(system);
  let client: BenchClient | null = null;
  try {
    await adapter.install(schema);
    client = await adapter.open(schema);
    await client.enqueueBatch(1_000);
    const t0 = performance.now();
    for (let r = 0; r < opts.rounds; r++) await client.enqueueBatch(opts.batch);
    return round((opts.batch * opts.rounds) / ((performance.now() - t0) / 1000));
  } finally {
    await cleanup(adapter, schema, () => client?.close());
  }
}

export interface Latency {
  p50: number;
  p99: number;
}

/**
 * Enqueue→start: one `enqueueOne` at a time into an idle queue, from just before the call to the
 * handler's first line. `where: 'process'` runs the worker in this process (what a library user
 * who enqueues next to the worker sees); `'child'` runs it in a worker process, so the wake-up has
 * to cross processes (NOTIFY or polling) as it does between an API node and a worker node.
 */
export async function enqueueToStart(
  adapter: Adapter,
  system: string,
  opts: { samples: number; where: 'process' | 'child'; warmup?: number; jitterMs?: number },
): Promise<Latency> {
  const schema = newSchema(system);
  let client: BenchClient | null = null;
  let pending: ((t: number) => void) | null = null;
  const started = (t: number) => {
    const p = pending;
    pending = null;
    p?.(t);
  };
  let worker: RunningWorker | null = null;
  let child: Child | null = null;
  try {
    await adapter.install(schema);
    client = await adapter.open(schema);
    if (opts.where === 'process') {
      worker = await (await adapter.prepareWorker(schema, { onStart: started })).go();
    } else {
      child = spawnWorkerProc(system, schema, true);
      child.onMessage((m) => {
        if (m.type === 'start') started(Number(m.t));
      });
      await child.next('ready');
      child.proc.send({ type: 'go' });
      await child.next('going');
    }
    const warmup = opts.warmup ?? 20;
    const latencies: number[] = [];
    for (let i = 0; i < warmup + opts.samples; i++) {
      const began = new Promise<number>((r) => {
        pending = r;
      });
      const t0 = sharedNow();
      await client.enqueueOne(i);
      const t1 = await began;
      if (i >= warmup) latencies.push(t1 - t0);
      // Let the worker commit the completion (and its follow-up empty claim) before the next
      // enqueue, so every sample starts from an idle queue rather than queueing behind the last.
      // A polling worker needs arrivals spread over its poll period too (`jitterMs`): enqueued a
      // fixed 10 ms after the last start, every job would wait almost a whole period.
      await new Promise((r) => setTimeout(r, 10 + Math.random() * (opts.jitterMs ?? 0)));
    }
    latencies.sort((a, b) => a - b);
    return { p50: round(percentile(latencies, 50), 2), p99: round(percentile(latencies, 99), 2) };
  } finally {
    await cleanup(
      adapter,
      schema,
      () => worker?.stop(),
      () => (child ? stopChildren([child]) : undefined),
      () => client?.close(),
    );
  }
}
