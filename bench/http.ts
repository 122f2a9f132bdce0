/**
 * HTTP figures for `npm run bench -- http`: GET a job by id, GET a list page (limit 20, plain and
 * with the seed's status+category filter) with 1,000 jobs in the store and again with 1,000,000,
 * and POST create. Real sockets, keep-alive, 50 connections, rate limiting off.
 *
 * The load comes from a separate process (this file, re-run with `LONGRUN_BENCH_LOAD` set) so the
 * load generator does not share the server's event loop: sharing it would halve what the server
 * gets and flatter nothing. On a 2-core machine the two processes still share the cores, exactly
 * like the reference figures (autocannon on the same machine), so those numbers compare directly.
 * The generator is a small keep-alive loop over `node:http` (autocannon is not a dependency).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { serve } from '@hono/node-server';
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
}

interface LoadConfig {
  url: string;
  key: string;
  connections: number;
  warmupMs: number;
  durationMs: number;
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

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function runScenario(cfg: LoadConfig, s: Scenario): Promise<LoadResult> {
  const target = new URL(cfg.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: cfg.connections });
  const headers: Record<string, string> = { authorization: `Bearer ${cfg.key}` };
  if (s.body) headers['content-type'] = 'application/json';
  const once = (path: string) =>
    new Promise<number>((resolve, reject) => {
      const req = http.request(
        { agent, host: target.hostname, port: target.port, method: s.method, path, headers },
        (res) => {
          res.resume(); // drain the body so the socket returns to the pool
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(s.body);
    });
  const start = performance.now();
  const measureFrom = start + cfg.warmupMs;
  const end = measureFrom + cfg.durationMs;
  const latencies: number[] = [];
  let errors = 0;
  const connection = async (c: number) => {
    for (let i = c; performance.now() < end; i += cfg.connections) {
      const t0 = performance.now();
      const status = await once(s.paths[i % s.paths.length]!);
      const t1 = performance.now();
      if (t0 < measureFrom || t1 > end) continue;
      latencies.push(t1 - t0);
      if (status >= 400) errors++;
    }
  };
  await Promise.all(Array.from({ length: cfg.connections }, (_, c) => connection(c)));
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    name: s.name,
    requests: latencies.length,
    errors,
    rps: Math.round(latencies.length / (cfg.durationMs / 1000)),
    p50: Number(percentile(latencies, 50).toFixed(2)),
    p99: Number(percentile(latencies, 99).toFixed(2)),
  };
}

async function loadProcessMain(): Promise<void> {
  const cfg = JSON.parse(process.env.LONGRUN_BENCH_LOAD!) as LoadConfig;
  const results: LoadResult[] = [];
  for (const s of cfg.scenarios) results.push(await runScenario(cfg, s));
  process.stdout.write(JSON.stringify(results));
}

function runLoadProcess(cfg: LoadConfig): Promise<LoadResult[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename], {
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

function scenarios(ids: string[]): Scenario[] {
  const sample = ids.filter((_, i) => i % Math.max(1, Math.floor(ids.length / 1_000)) === 0).slice(0, 1_000);
  return [
    { name: 'GET /api/v1/jobs/:id', method: 'GET', paths: sample.map((id) => `/api/v1/jobs/${id}`) },
    { name: 'GET /api/v1/jobs?limit=20', method: 'GET', paths: ['/api/v1/jobs?limit=20'] },
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
  const store = await createSqliteStore({ path: join(dir, 'http.db') });
  try {
    // No workers: the table only grows, so 1,000 and 1,000,000 mean exactly that many rows.
    const longrun = createLongrun({ store, jobs: benchJobs });
    const { key } = await createApiKey(store, { workspace: 'default', scope: 'admin' });
    const app = createApp({ longrun, rateLimit: false });
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((r) => server.once('listening', () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const base = { url, key, connections: CONNECTIONS, warmupMs: 1_000, durationMs: SECONDS * 1_000 };
    const table = `HTTP API (${CONNECTIONS} keep-alive connections from a separate process, ${SECONDS} s each)`;

    // Each size gets an unmeasured warm-up round first: right after writing a million rows the OS
    // is still flushing ~300 MB of dirty pages and V8 is collecting the fill's garbage, which would
    // be measured as "1,000,000 jobs are slower" when it is neither the API nor the query.
    const measure = async (ids: string[]) => {
      await runLoadProcess({ ...base, warmupMs: 0, durationMs: 2_000, scenarios: scenarios(ids) });
      return runLoadProcess({ ...base, scenarios: scenarios(ids) });
    };
    const ids = await fill(longrun, 1_000);
    const small = await measure(ids);
    const t0 = performance.now();
    ids.push(...(await fill(longrun, 999_000)));
    figures[`${table} › fill to 1,000,000 jobs (enqueueMany × 10,000) › s`] = Number(
      ((performance.now() - t0) / 1000).toFixed(1),
    );
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
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}

if (process.env.LONGRUN_BENCH_LOAD) await loadProcessMain();
