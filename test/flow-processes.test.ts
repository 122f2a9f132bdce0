/**
 * Concurrency limits across real OS processes: `longrun worker` processes share one store and run
 * `test.keyed` (at most one per key) and `test.capped` (at most three of the type). The limits are
 * asserted from the handlers' own log: each run appends `start` and `end` lines to one file
 * (O_APPEND: the file's order is the order the writes happened, whichever process made them), and
 * replaying it counts how many ran at once.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createLongrun } from '../src/engine/longrun.ts';
import { createPostgresStore } from '../src/store/postgres/index.ts';
import { createSqliteStore } from '../src/store/sqlite/index.ts';
import type { Store } from '../src/store/types.ts';
import { FLOW_JOBS } from './cli-helpers.ts';
import { flowJobs } from './fixtures/flow-jobs.ts';
import { tempDir, waitFor } from './helpers.ts';
import { startWorker, type WorkerProc } from './pg-helpers.ts';
import { dropSchema, newSchemaName, PG_URL, pgSkipReason } from './store-postgres-helpers.ts';

const skip = await pgSkipReason();

/** Replays the log: the most runs of each group (a key, or `capped`) at once, and of all together. */
function replay(log: string): {
  perGroup: Map<string, number>;
  overall: number;
  starts: number;
  ends: number;
} {
  const now = new Map<string, number>();
  const perGroup = new Map<string, number>();
  const lastEnd = new Map<string, number>();
  let running = 0;
  let overall = 0;
  let starts = 0;
  let ends = 0;
  for (const line of log.split('\n').filter(Boolean)) {
    const [what, group, , , at] = line.split(' ') as [string, string, string, string, string];
    const n = (now.get(group) ?? 0) + (what === 'start' ? 1 : -1);
    assert.ok(n >= 0, `an end without its start: ${line}`);
    now.set(group, n);
    running += what === 'start' ? 1 : -1;
    overall = Math.max(overall, running);
    perGroup.set(group, Math.max(perGroup.get(group) ?? 0, n));
    if (what === 'start') {
      starts++;
      // The clocks agree too: a key's run never starts before the previous one ended.
      if (group !== 'capped') assert.ok(Number(at) >= (lastEnd.get(group) ?? 0), `started early: ${line}`);
    } else {
      ends++;
      lastEnd.set(group, Number(at));
    }
  }
  return { perGroup, overall, starts, ends };
}

async function completed(store: Store): Promise<number> {
  const counts = await store.jobCounts({ workspaceId: 'default' });
  return counts.filter((c) => c.status === 'completed').reduce((s, c) => s + c.count, 0);
}

describe('concurrency limits across processes', () => {
  const tmp = tempDir('longrun-flow-');
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  after(async () => {
    for (const c of cleanups.reverse()) await c();
    if (!process.env.KEEP_FLOW_LOG) tmp.cleanup();
  });

  function track(w: WorkerProc): WorkerProc {
    cleanups.push(async () => {
      if (w.proc.exitCode === null) w.proc.kill('SIGKILL');
      await w.exited;
    });
    return w;
  }

  async function runScenario(p: {
    store: Store;
    db: string;
    name: string;
    workers: number;
    keys: number;
    perKey: number;
    capped: number;
  }): Promise<void> {
    const log = join(tmp.dir, `${p.name}.log`);
    writeFileSync(log, '');
    const longrun = createLongrun({ store: p.store, jobs: flowJobs });
    // Keys interleaved, so every claim window holds several keys and some of each are full.
    const requests = Array.from({ length: p.keys * p.perKey }, (_, i) => ({
      type: 'test.keyed',
      input: { key: `k${i % p.keys}`, ms: 2 },
    }));
    const capped = Array.from({ length: p.capped }, () => ({ type: 'test.capped', input: { ms: 3 } }));
    // Held paused until every worker is up: else the first to start may run them all alone, and
    // the test would prove nothing about processes claiming side by side.
    for (const type of ['test.keyed', 'test.capped']) await longrun.flow.pause(type);
    await longrun.enqueueMany([...requests, ...capped]);
    const total = requests.length + capped.length;
    const workers = Array.from({ length: p.workers }, () =>
      track(startWorker(p.db, { LONGRUN_FLOW_LOG: log }, ['--concurrency', '10'], FLOW_JOBS)),
    );
    await waitFor('every worker started', () =>
      workers.every((w) => w.stderr.some((l) => l.includes('"worker started"'))),
    );
    for (const type of ['test.keyed', 'test.capped']) await longrun.flow.resume(type);
    await waitFor(`${total} completed`, async () => (await completed(p.store)) === total, 120_000, 100);
    for (const w of workers) w.proc.kill('SIGTERM');
    const codes = await Promise.all(workers.map((w) => w.exited));
    assert.deepEqual(
      codes,
      workers.map(() => 0),
      workers.map((w) => w.stderr.slice(-5).join('\n')).join('\n'),
    );
    const r = replay(readFileSync(log, 'utf8'));
    assert.equal(r.starts, total, 'every job ran once');
    assert.equal(r.ends, total);
    for (let k = 0; k < p.keys; k++) assert.equal(r.perGroup.get(`k${k}`), 1, `key k${k} ran one at a time`);
    assert.ok(
      (r.perGroup.get('capped') ?? 0) <= 3,
      `at most 3 capped at once, saw ${r.perGroup.get('capped')}`,
    );
    // Otherwise the test proves nothing: the workers did run jobs side by side.
    assert.ok(r.overall >= 2, `jobs ran side by side (at most ${r.overall} at once)`);
    const pids = new Set(
      readFileSync(log, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split(' ')[3]),
    );
    assert.ok(pids.size >= 2, `more than one process ran jobs (${pids.size})`);
  }

  it('PostgreSQL: 4 worker processes, 500 keyed jobs: a key of limit 1 never runs two at once', {
    skip,
    timeout: 180_000,
  }, async () => {
    const schema = newSchemaName();
    const store = await createPostgresStore({ connectionString: PG_URL, schema });
    cleanups.push(() => dropSchema(schema));
    cleanups.push(() => store.close());
    await runScenario({
      store,
      db: `${PG_URL}?schema=${schema}`,
      name: 'pg',
      workers: 4,
      // More slots (20 keys + 3 capped) than one worker's 10: every process must take a share.
      keys: 20,
      perKey: 25,
      capped: 60,
    });
  });

  it('SQLite: 3 worker processes on one file: the same limits hold', { timeout: 180_000 }, async () => {
    const db = join(tmp.dir, 'flow.db');
    const store = await createSqliteStore({ path: db });
    cleanups.push(() => store.close());
    // More slots (16 keys + 3 capped) than one worker's 10: a worker that hears of freed slots first
    // (its own finishes, at once; the others poll) still cannot hold them all.
    await runScenario({ store, db, name: 'sqlite', workers: 3, keys: 16, perKey: 15, capped: 30 });
  });
});
