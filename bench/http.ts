/**
 * HTTP figures for `npm run bench -- http`: GET a job by id, GET a list page (limit 20, plain and
 * with the seed's status+category filter) with 1,000 jobs in the store and again with 1,000,000,
 * and POST create. Real sockets, keep-alive, 50 connections, rate limiting off.
 *
 * The load is autocannon (the tool of the reference figures in ../shared/reference) in a separate
 * process, so it never shares the server's event loop. On a 2-core machine the two processes share
 * the cores; left to the scheduler they sometimes land on the same core and the figures swing by
 * 2×, so where `taskset` exists the server is pinned to CPU 0 and the load to CPU 1: the server
 * gets one core, as in the reference table, every run.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { serve } from '@hono/node-server';
import Database from 'better-sqlite3';
import { z } from 'zod';
import { createApp } from '../src/api/app.ts';
import { createApiKey } from '../src/api/auth.ts';
import { defineJob } from '../src/engine/define.ts';
import { createLongrun, type Longrun } from '../src/engine/longrun.ts';
import { createSqliteStore } from '../src/store/sqlite/index.ts';

type Figures = Record<string, number | string>;

interface Scenario {
  name: string;
  method: 'GET' | 'POST';
  /** Rotated through by every connection. */
  paths: string[];
  body?: string;
  /**
   * Offered load in requests/s across all connections (open loop, corrected for coordinated
   * omission). Without it, each connection sends its next request as soon as the last returns.
   */
  rate?: number;
}

interface LoadConfig {
  url: string;
  key: string;
  connections: number;
  seconds: number;
  scenarios: Scenario[];
}

interface LoadResult {
  name: string;
  requests: number;
  errors: number;
  rps: number;
  p50: number;
  p99: number;
}

const CONNECTIONS = 50;
const SECONDS = Number(process.env.LONGRUN_BENCH_HTTP_SECONDS ?? 5);
const CATEGORIES = ['seo', 'ai', 'sync', 'export'] as const;
const benchJobs = CATEGORIES.map((category) =>
  defineJob({
    type: `bench.${category}`,
    category,
    input: z.object({ i: z.number() }),
    run: async () => null,
  }),
);

// ---- the load generator (child process) -------------------------------------------------------

async function runScenario(cfg: LoadConfig, s: Scenario): Promise<LoadResult> {
  const { default: autocannon } = await import('autocannon');
  const headers: Record<string, string> = { authorization: `Bearer ${cfg.key}` };
  if (s.body) headers['content-type'] = 'application/json';
  const r = await autocannon({
    url: cfg.url,
    connections: cfg.connections,
    duration: cfg.seconds,
    requests: s.paths.map((path) => ({ method: s.method, path, headers, body: s.body })),
    ...(s.rate ? { overallRate: s.rate } : {}),
  });
  return {
    name: s.name,
    requests: r.requests.total,
    errors: r.errors + r.non2xx,
    rps: Math.round(r.requests.total / r.duration),
    p50: r.latency.p50,
    p99: r.latency.p99,
  };
}

async function loadProcessMain(): Promise<void> {
  const cfg = JSON.parse(process.env.LONGRUN_BENCH_LOAD!) as LoadConfig;
  const results: LoadResult[] = [];
  for (const s of cfg.scenarios) results.push(await runScenario(cfg, s));
  process.stdout.write(JSON.stringify(results));
}

/** `taskset` pins (see the file comment); without it, or with one core, nothing is pinned. */
function pinning(): { server: string; load: string[] } | null {
  if (availableParallelism() < 2) return null;
  try {
    execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
    return { server: 'CPU 0', load: ['taskset', '-c', '1'] };
  } catch {
    return null;
  }
}

function unpin(): void {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', `0-${availableParallelism() - 1}`, String(process.pid)], {
      stdio: 'ignore',
    });
  } catch {
    // nothing was pinned
  }
}

function runLoadProcess(cfg: LoadConfig, prefix: string[]): Promise<LoadResult[]> {
  return new Promise((resolve, reject) => {
    const argv = [...prefix, process.execPath, '--import', 'tsx', import.meta.filename];
    const child = spawn(argv[0]!, argv.slice(1), {
      env: { ...process.env, LONGRUN_BENCH_LOAD: JSON.stringify(cfg) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`load process exited with ${code}`));
      else resolve(JSON.parse(out) as LoadResult[]);
    });
  });
}

// ---- the server side (this process) -----------------------------------------------------------

async function fill(longrun: Longrun, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let done = 0; done < count; ) {
    const n = Math.min(10_000, count - done);
    const batch = Array.from({ length: n }, (_, k) => ({
      type: `bench.${CATEGORIES[(done + k) % CATEGORIES.length]}`,
      input: { i: done + k },
    }));
    const created = await longrun.enqueueMany(batch);
    // Keep a sample of ids spread over the whole table for the by-id scenario.
    for (let k = 0; k < created.length; k += 97) ids.push(created[k]!);
    done += n;
  }
  return ids;
}

/** The targets: ≥ 8,000 req/s by id and ≥ 4,000 for a list page, p99 < 10 ms. */
const TARGET_RATE = { byId: 8_000, list: 4_000 };

/**
 * After writing a million rows, checkpoint the WAL into the database file and flush the OS's dirty
 * pages, so the kernel's writeback (~300 MB) does not compete with the server being measured: the
 * figure is about serving a big table, not about the bulk load that just made it.
 */
function settle(dbPath: string): void {
  const db = new Database(dbPath);
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
  try {
    execFileSync('sync');
  } catch {
    // no sync(1): the warm-up round absorbs what is left
  }
}

function scenarios(ids: string[]): Scenario[] {
  const sample = ids.filter((_, i) => i % Math.max(1, Math.floor(ids.length / 1_000)) === 0).slice(0, 1_000);
  const byId = sample.map((id) => `/api/v1/jobs/${id}`);
  return [
    { name: 'GET /api/v1/jobs/:id', method: 'GET', paths: byId },
    // Saturation above says how much the server can take; latency is only meaningful at a given
    // load: with 50 requests always queued, p99 at saturation is mostly time spent in that queue.
    {
      name: `GET /api/v1/jobs/:id at ${TARGET_RATE.byId.toLocaleString('en-US')} req/s offered`,
      method: 'GET',
      paths: byId,
      rate: TARGET_RATE.byId,
    },
    { name: 'GET /api/v1/jobs?limit=20', method: 'GET', paths: ['/api/v1/jobs?limit=20'] },
    {
      name: `GET /api/v1/jobs?limit=20 at ${TARGET_RATE.list.toLocaleString('en-US')} req/s offered`,
      method: 'GET',
      paths: ['/api/v1/jobs?limit=20'],
      rate: TARGET_RATE.list,
    },
    {
      name: 'GET /api/v1/jobs?status=pending&category=seo&limit=20',
      method: 'GET',
      paths: ['/api/v1/jobs?status=pending&category=seo&limit=20'],
    },
    {
      name: 'POST /api/v1/jobs',
      method: 'POST',
      paths: ['/api/v1/jobs'],
      body: JSON.stringify({ type: 'bench.sync', input: { i: 0 } }),
    },
  ];
}

export async function benchHttp(): Promise<Figures> {
  const dir = mkdtempSync(join(tmpdir(), 'longrun-bench-http-'));
  const figures: Figures = {};
  const dbPath = join(dir, 'http.db');
  const store = await createSqliteStore({ path: dbPath });
  try {
    // No workers: the table only grows, so 1,000 and 1,000,000 mean exactly that many rows.
    const longrun = createLongrun({ store, jobs: benchJobs });
    const { key } = await createApiKey(store, { workspace: 'default', scope: 'admin' });
    const app = createApp({ longrun, rateLimit: false });
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((r) => server.once('listening', () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const base = { url, key, connections: CONNECTIONS, seconds: SECONDS };
    const pinned = pinning();
    const table = `HTTP API (autocannon, ${CONNECTIONS} connections, ${SECONDS} s each; ${
      pinned ? 'server pinned to CPU 0, load to CPU 1' : 'no CPU pinning'
    })`;

    // Each size gets an unmeasured warm-up round first: right after writing a million rows the OS
    // is still flushing ~300 MB of dirty pages and V8 is collecting the fill's garbage, which would
    // be measured as "1,000,000 jobs are slower" when it is neither the API nor the query.
    const measure = async (ids: string[]) => {
      await runLoadProcess({ ...base, seconds: 2, scenarios: scenarios(ids) }, pinned?.load ?? []);
      return runLoadProcess({ ...base, scenarios: scenarios(ids) }, pinned?.load ?? []);
    };
    const ids = await fill(longrun, 1_000);
    const small = await measure(ids);
    const t0 = performance.now();
    ids.push(...(await fill(longrun, 999_000)));
    figures[`${table} › fill to 1,000,000 jobs (enqueueMany × 10,000) › s`] = Number(
      ((performance.now() - t0) / 1000).toFixed(1),
    );
    settle(dbPath);
    const large = await measure(ids);

    for (const [column, results] of [
      ['1,000 jobs', small],
      ['1,000,000 jobs', large],
    ] as const) {
      for (const r of results) {
        figures[`${table} › ${r.name} req/s › ${column}`] = r.rps;
        figures[`${table} › ${r.name} p99 ms › ${column}`] = r.p99;
        figures[`${table} › ${r.name} p50 ms › ${column}`] = r.p50;
        if (r.errors) figures[`${table} › ${r.name} errors › ${column}`] = r.errors;
      }
    }
    for (const name of ['GET /api/v1/jobs/:id', 'GET /api/v1/jobs?limit=20']) {
      const a = small.find((r) => r.name === name)?.rps ?? Number.NaN;
      const b = large.find((r) => r.name === name)?.rps ?? Number.NaN;
      figures[`${table} › ${name} req/s, 1K ÷ 1M (target ≤ 1.3) › ratio`] = Number((a / b).toFixed(2));
    }
    await new Promise<void>((r) => {
      if ('closeAllConnections' in server) server.closeAllConnections();
      server.close(() => r());
    });
  } finally {
    unpin();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}

if (process.env.LONGRUN_BENCH_LOAD) await loadProcessMain();
