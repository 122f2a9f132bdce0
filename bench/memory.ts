/**
 * `npm run bench -- memory`: the resident memory (RSS) of real `longrun serve` and `longrun worker`
 * processes on SQLite, read from /proc while they work:
 *
 * - `serve` idle, and again after 20,000 jobs finished through it (it must not grow with them);
 * - a worker running 1,000 jobs at once;
 * - a worker running one job of 1,000,000 items (its peak, VmHWM);
 * - a worker after 10,000, 50,000 and 100,000 finished jobs: RSS climbs at first as SQLite's page
 *   cache fills (64 MiB per connection, store/sqlite/db.ts) and then stays flat; the JavaScript
 *   heap after a collection stays at about 10 MiB throughout (measured with --expose-gc, 2026-12-04);
 * - `serve` holding 1,000 event streams (two keys: a key holds at most 500).
 *
 * The processes run the compiled harness (soak/compile.ts) on plain Node, as users run the built
 * package: through tsx each would carry the TypeScript compiler's memory too.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { compileHarness, HARNESS } from '../soak/compile.ts';
import { createApiKey } from '../src/api/auth.ts';
import { createLongrun, createSqliteStore, type Store } from '../src/index.ts';
import type { Figures } from './engine.ts';
import memoryJobs from './memory-jobs.ts';

/** A /proc/<pid>/status field in MiB (VmRSS: now; VmHWM: the peak). */
function procMiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${field}:`));
  return Math.round(Number(line?.split(/\s+/)[1] ?? Number.NaN) / 1024);
}

interface Proc {
  child: ChildProcess;
  lines: string[];
}

function start(args: string[]): Proc {
  const child = spawn(process.execPath, [HARNESS.bin, ...args, '--log-format', 'json'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LONGRUN_LOG_LEVEL: 'warn' },
  });
  const lines: string[] = [];
  for (const s of [child.stdout, child.stderr]) s?.on('data', (c: Buffer) => lines.push(c.toString()));
  return { child, lines };
}

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 300_000;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`memory bench: ${what} did not happen within 300 s`);
    await sleep(100);
  }
}

async function stop(p: Proc): Promise<void> {
  const exited = new Promise((r) => p.child.once('exit', r));
  p.child.kill('SIGTERM');
  await exited;
}

async function countOf(store: Store, status: string): Promise<number> {
  const counts = await store.jobCounts({ workspaceId: 'default' });
  return counts.filter((c) => c.status === status).reduce((s, c) => s + c.count, 0);
}

/** Settles the heap a moment before reading: RSS read mid-burst measures the burst. */
const settled = () => sleep(2_000);

function openStreams(url: string, keys: string[], n: number): Promise<(() => void)[]> {
  return Promise.all(
    Array.from(
      { length: n },
      (_, i) =>
        new Promise<() => void>((resolve, reject) => {
          const req = request(`${url}/api/v1/events`, {
            headers: { authorization: `Bearer ${keys[i % keys.length]}`, accept: 'text/event-stream' },
          });
          req.on('response', (res) => {
            if (res.statusCode !== 200) reject(new Error(`stream ${i}: HTTP ${res.statusCode}`));
            res.resume();
            resolve(() => req.destroy());
          });
          req.on('error', reject);
          req.end();
        }),
    ),
  );
}

export async function benchMemory(dir: string): Promise<Figures> {
  await compileHarness();
  const jobsModule = HARNESS.compiled('bench/memory-jobs.ts');
  const figures: Figures = {};
  const db = join(dir, 'memory.db');
  const store = await createSqliteStore({ path: db });
  const longrun = createLongrun({ store, jobs: memoryJobs });
  const enqueue = async (type: string, n: number, input: object = {}) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i += 10_000)
      ids.push(
        ...(await longrun.enqueueMany(
          Array.from({ length: Math.min(10_000, n - i) }, () => ({ type, input })),
        )),
      );
    return ids;
  };
  const common = ['--db', db, '--no-examples', '--jobs', jobsModule];
  try {
    // serve: idle, then after 20,000 jobs ran through its own workers.
    const serve = start([
      'serve',
      ...common,
      ...['--port', '0', '--host', '127.0.0.1', '--workers', '50', '--rate-limit', 'off'],
    ]);
    const url = await until(
      'serve listening',
      () => serve.lines.join('').match(/listening on (http:\/\/\S+)/)?.[1],
    );
    await settled();
    figures['serve idle, MiB'] = procMiB(serve.child.pid ?? 0, 'VmRSS');
    await enqueue('mem.noop', 20_000);
    await until('20,000 jobs done', async () =>
      (await countOf(store, 'completed')) >= 20_000 ? true : undefined,
    );
    await settled();
    figures['serve idle after 20,000 finished jobs, MiB'] = procMiB(serve.child.pid ?? 0, 'VmRSS');

    // serve holding 1,000 event streams.
    const keys = await Promise.all(
      [1, 2].map(
        async (k) =>
          (await createApiKey(store, { workspace: 'default', scope: 'read', name: `mem${k}` })).key,
      ),
    );
    const closers = await openStreams(url, keys, 1_000);
    await settled();
    figures['serve holding 1,000 event streams, MiB'] = procMiB(serve.child.pid ?? 0, 'VmRSS');
    for (const close of closers) close();
    await stop(serve);

    // A worker running 1,000 jobs at once, then after 10,000 and 50,000 finished jobs.
    const waiting = await enqueue('mem.wait', 1_000);
    const worker = start(['worker', ...common, '--concurrency', '1000']);
    await until('1,000 running', async () => ((await countOf(store, 'running')) >= 1_000 ? true : undefined));
    await settled();
    figures['worker running 1,000 jobs at once, MiB'] = procMiB(worker.child.pid ?? 0, 'VmRSS');
    for (const id of waiting) await longrun.cancel(id);
    for (const [done, label] of [
      [10_000, '10,000'],
      [50_000, '50,000'],
      [100_000, '100,000'],
    ] as const) {
      const before = await countOf(store, 'completed');
      await enqueue('mem.noop', done - (before - 20_000));
      await until(`${label} finished by the worker`, async () =>
        (await countOf(store, 'completed')) >= 20_000 + done ? true : undefined,
      );
      await settled();
      figures[`worker after ${label} finished jobs, MiB`] = procMiB(worker.child.pid ?? 0, 'VmRSS');
    }
    await stop(worker);

    // One job of a million items: the peak while it runs.
    const items = start(['worker', ...common, '--concurrency', '1']);
    await enqueue('mem.items', 1, { n: 1_000_000 });
    await until('the 1,000,000-item job', async () =>
      (await countOf(store, 'completed')) >= 120_001 ? true : undefined,
    );
    figures['worker running one 1,000,000-item job (peak), MiB'] = procMiB(items.child.pid ?? 0, 'VmHWM');
    await stop(items);
  } finally {
    await store.close();
  }
  return figures;
}
