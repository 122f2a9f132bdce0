/**
 * One scenario's world: a fresh database (a SQLite file, or a PostgreSQL schema reached through a
 * fault proxy), real `longrun worker` and `longrun serve` child processes, the outside history
 * file, and the harness's own store handle to enqueue jobs and, at the end, to check them.
 *
 * ```ts
 * const env = await SoakEnv.create({ kind: 'postgres', name: 'blackhole', seed: 1 });
 * env.startWorker({ concurrency: 20 });
 * await env.enqueue(100, { items: 10, itemMs: 5 });
 * await env.settle(60_000);
 * ```
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { createApiKey } from '../src/api/auth.ts';
import {
  createLongrun,
  createPostgresStore,
  createSqliteStore,
  type Longrun,
  type Store,
} from '../src/index.ts';
import { HARNESS } from './compile.ts';
import type { FaultPlan } from './faulty-store.ts';
import { type HistoryEntry, historyAppend, historyAppendMany, historyRead, wallNow } from './history.ts';
import jobs from './jobs.ts';
import { FaultProxy } from './proxy.ts';

export type StoreKind = 'sqlite' | 'postgres';

const ROOT = join(import.meta.dirname, '..');
export const PG_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** Short leases make recovery (and so each scenario) quick; the rules do not depend on the length. */
export const LEASE_MS = 2_000;

export interface Proc {
  proc: ChildProcess;
  pid: number;
  exited: Promise<number | null>;
  /** Lines the process printed (stdout and stderr), for scenarios that wait on a banner. */
  lines: string[];
}

export interface WorkerOptions {
  concurrency?: number;
  faults?: FaultPlan;
  skewMs?: number;
  graceMs?: number;
  /** PostgreSQL: connect past the fault proxy instead of through it. */
  direct?: boolean;
}

export class SoakEnv {
  readonly history: string;
  readonly violations: string[] = [];
  readonly procs: Proc[] = [];
  readonly longrun: Longrun;
  private procCount = 0;

  private constructor(
    readonly kind: StoreKind,
    readonly name: string,
    readonly dir: string,
    readonly store: Store,
    /** The database as workers name it: a file, or a URL through the proxy. */
    private readonly workerDb: string,
    private readonly directDb: string,
    readonly proxy: FaultProxy | null,
    readonly schema: string | null,
  ) {
    this.history = join(dir, 'history.jsonl');
    this.longrun = createLongrun({ store, jobs });
  }

  static async create(p: { kind: StoreKind; name: string }): Promise<SoakEnv> {
    const dir = mkdtempSync(join(tmpdir(), `longrun-soak-${p.name}-`));
    if (p.kind === 'sqlite') {
      const file = join(dir, 'longrun.db');
      const store = await createSqliteStore({ path: file });
      return new SoakEnv('sqlite', p.name, dir, store, file, file, null, null);
    }
    const schema = `soak_${p.name.toLowerCase().replace(/\W/g, '_')}_${process.pid}`;
    await adminQuery(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    const store = await createPostgresStore({ connectionString: PG_URL, schema });
    const proxy = await FaultProxy.start(5432);
    // application_name lets a scenario terminate this run's backends and no one else's.
    const params = `schema=${schema}&application_name=${schema}`;
    const direct = `${PG_URL}?${params}`;
    const viaProxy = `postgres://postgres@127.0.0.1:${proxy.port}/${new URL(PG_URL).pathname.slice(1)}?${params}`;
    return new SoakEnv('postgres', p.name, dir, store, viaProxy, direct, proxy, schema);
  }

  record(entry: HistoryEntry): void {
    historyAppend(this.history, entry);
  }

  fault(what: string): void {
    this.record({ kind: 'fault', what });
  }

  /** Enqueues through the library (the store commits before it returns) and records the ids. */
  async enqueue(n: number, input: Record<string, unknown>, type = 'soak.items'): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i += 500) {
      const batch = Array.from({ length: Math.min(500, n - i) }, () => ({ type, input }));
      const got = await this.untilAnswered(() => this.longrun.enqueueMany(batch));
      historyAppendMany(
        this.history,
        got.map((jobId) => ({ kind: 'accepted', jobId })),
      );
      ids.push(...got);
    }
    return ids;
  }

  /**
   * As a client would: a call the store refused (`store_unavailable`, during a restart) is tried
   * again. Nothing is recorded for a refused call, so a refusal that in fact committed only adds a
   * job the checker does not know of, never one it expects.
   */
  private async untilAnswered<T>(call: () => Promise<T>): Promise<T> {
    const deadline = wallNow() + 60_000;
    for (;;) {
      try {
        return await call();
      } catch (err) {
        if ((err as { code?: string }).code !== 'store_unavailable' || wallNow() > deadline) throw err;
        await sleep(200);
      }
    }
  }

  startWorker(o: WorkerOptions = {}): Proc {
    const preload: string[] = [];
    if (o.faults) preload.push('--import', HARNESS.faultHook);
    if (o.skewMs) preload.push('--import', HARNESS.skewClock);
    const db = o.direct ? this.directDb : this.workerDb;
    return this.spawn(
      [
        ...preload,
        HARNESS.bin,
        'worker',
        ...['--db', db, '--no-examples', '--jobs', HARNESS.jobs, '--lease-ms', String(LEASE_MS)],
        ...['--concurrency', String(o.concurrency ?? 20), '--grace-ms', String(o.graceMs ?? 10_000)],
        ...['--log-format', 'json'],
      ],
      {
        ...(o.faults ? { LONGRUN_SOAK_FAULTS: JSON.stringify(o.faults) } : {}),
        ...(o.skewMs ? { LONGRUN_SOAK_SKEW_MS: String(o.skewMs) } : {}),
      },
    );
  }

  /** `longrun serve` (API only unless `workers`) on a free port, with an admin key made for it. */
  async startApi(
    o: { workers?: number; port?: number; direct?: boolean } = {},
  ): Promise<Proc & { url: string; key: string }> {
    const db = o.direct === false ? this.workerDb : this.directDb;
    const p = this.spawn(
      [
        HARNESS.bin,
        'serve',
        ...[
          '--db',
          db,
          '--port',
          String(o.port ?? 0),
          '--host',
          '127.0.0.1',
          '--workers',
          String(o.workers ?? 0),
        ],
        ...[
          '--no-examples',
          '--no-dashboard',
          '--jobs',
          HARNESS.jobs,
          '--rate-limit',
          'off',
          '--log-format',
          'json',
        ],
      ],
      {},
    );
    const url = await waitUntil(60_000, () => p.lines.join('\n').match(/listening on (http:\/\/\S+)/)?.[1]);
    if (!url) throw new Error(`${this.name}: longrun serve did not start:\n${p.lines.join('\n')}`);
    this.apiKey ??= (
      await createApiKey(this.store, { workspace: 'default', scope: 'admin', name: 'soak' })
    ).key;
    return { ...p, url, key: this.apiKey };
  }

  private apiKey: string | null = null;

  private spawn(args: string[], env: Record<string, string>): Proc {
    const n = ++this.procCount;
    const proc = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, LONGRUN_SOAK_HISTORY: this.history, LONGRUN_LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const log = createWriteStream(
      join(this.dir, `proc-${n}-${args.includes('serve') ? 'serve' : 'worker'}.log`),
    );
    const lines: string[] = [];
    for (const s of [proc.stdout, proc.stderr]) {
      s?.on('data', (chunk: Buffer) => {
        log.write(chunk);
        if (lines.length < 200) lines.push(...chunk.toString().split('\n'));
      });
    }
    const p: Proc = {
      proc,
      pid: proc.pid ?? -1,
      lines,
      exited: new Promise((r) => proc.on('exit', (code) => r(code))),
    };
    this.procs.push(p);
    return p;
  }

  /** Resolves once the process printed `banner` (a worker's "running", a server's "listening"). */
  async ready(p: Proc, banner = /Longrun worker running/): Promise<Proc> {
    const ok = await waitUntil(60_000, () => (p.lines.some((l) => banner.test(l)) ? true : undefined));
    if (!ok) throw new Error(`${this.name}: process ${p.pid} did not start:\n${p.lines.join('\n')}`);
    return p;
  }

  async kill(p: Proc, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    this.fault(`${signal} ${p.pid}`);
    p.proc.kill(signal);
    if (signal === 'SIGKILL' || signal === 'SIGTERM') await p.exited;
  }

  /** Items the process `pid` began at or after `since` (wall ms), from the history. */
  itemsStartedBy(pid: number, since: number): number {
    return historyRead(this.history).filter((r) => r.kind === 'item' && r.pid === pid && r.t >= since).length;
  }

  /** Jobs neither finished nor failed yet, from the counts table. */
  async unfinished(): Promise<number> {
    const counts = await this.store.jobCounts({ workspaceId: 'default' });
    return counts
      .filter((c) => c.status === 'pending' || c.status === 'running')
      .reduce((s, c) => s + c.count, 0);
  }

  /** Waits until every job is terminal; false on timeout (the checker then reports what is stuck). */
  async settle(timeoutMs: number): Promise<boolean> {
    return (
      (await waitUntil(timeoutMs, async () => ((await this.unfinished()) === 0 ? true : undefined))) ?? false
    );
  }

  async close(keep: boolean): Promise<void> {
    for (const p of this.procs)
      if (p.proc.exitCode === null && p.proc.signalCode === null) p.proc.kill('SIGKILL');
    await Promise.all(this.procs.map((p) => p.exited));
    // Bounded, so a teardown that hangs after a fault names itself instead of stalling the run.
    await bounded('proxy close', this.proxy?.close());
    await bounded('store close', this.store.close());
    if (this.schema && !keep)
      await bounded('drop schema', adminQuery(`DROP SCHEMA IF EXISTS "${this.schema}" CASCADE`));
    if (!keep) rmSync(this.dir, { recursive: true, force: true });
  }
}

export async function adminQuery(sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

async function bounded(what: string, p: Promise<unknown> | undefined): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((r) => {
    timer = setTimeout(() => {
      console.error(`  (teardown: ${what} did not finish in 15 s; going on)`);
      r();
    }, 15_000);
  });
  await Promise.race([p?.catch((err) => console.error(`  (teardown: ${what} failed: ${err})`)), late]);
  clearTimeout(timer);
}

/** A port nothing listens on now, for a server that must come back on the same one after a kill. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

export async function waitUntil<T>(timeoutMs: number, probe: () => T | undefined | Promise<T | undefined>) {
  const deadline = wallNow() + timeoutMs;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch {
      // the database may be away during a fault: keep asking until the deadline
    }
    if (wallNow() > deadline) return undefined;
    await sleep(100);
  }
}
