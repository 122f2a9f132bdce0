/**
 * A cancel must be heard before the next item starts, however it reaches the worker: from another
 * process sharing the SQLite file (no LISTEN there), or in the moment between a claim's commit and
 * the worker launching the claimed job. And the time it records is the time it committed. Found by
 * the soak's cancel-versus-complete races (soak/scenarios/api.ts).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { z } from 'zod';
import { defineJob } from '../src/engine/define.ts';
import { createLongrun, type Longrun } from '../src/engine/longrun.ts';
import { createSqliteStore } from '../src/store/sqlite/index.ts';
import type { Store } from '../src/store/types.ts';
import { tempDir, waitFor } from './helpers.ts';

/** Items wait at a gate the test opens; a minute-long lease keeps the heartbeat out of the way. */
function gatedJob() {
  const started: number[] = [];
  const gates = new Map<number, () => void>();
  const job = defineJob({
    type: 'test.gated',
    category: 'seo',
    input: z.object({ items: z.number() }),
    async run(ctx, input) {
      const items = Array.from({ length: input.items }, (_, i) => i);
      await ctx.each('publish', items, { key: (i) => `e${i}` }, async (i) => {
        started.push(i);
        await new Promise<void>((resolve) => gates.set(i, resolve));
      });
    },
  });
  return { job, started, open: (i: number) => gates.get(i)?.() };
}

const LEASE_MS = 60_000;

describe('a cancel is heard before the next item', () => {
  let tmp: ReturnType<typeof tempDir>;
  let file: string;
  const opened: { store: Store; longrun: Longrun }[] = [];
  const open = async (jobs: Parameters<typeof createLongrun>[0]['jobs']) => {
    const store = await createSqliteStore({ path: file });
    const longrun = createLongrun({ store, jobs });
    opened.push({ store, longrun });
    return { store, longrun };
  };

  beforeEach(() => {
    tmp = tempDir();
    file = join(tmp.dir, 'cancel.db');
  });
  afterEach(async () => {
    for (const o of opened.splice(0)) {
      await o.longrun.stop({ graceMs: 100 });
      await o.store.close();
    }
    tmp.cleanup();
  });

  it('on SQLite, from another connection to the file, without waiting for a heartbeat', async () => {
    const gated = gatedJob();
    const worker = await open([gated.job]);
    const api = await open([gated.job]);
    worker.longrun.start({ concurrency: 1, leaseMs: LEASE_MS });
    const { job } = await api.longrun.enqueue('test.gated', { items: 10 });
    for (const i of [0, 1]) {
      await waitFor(`item ${i} to start`, () => gated.started.includes(i));
      gated.open(i);
    }
    await waitFor('item 2 to start', () => gated.started.includes(2));
    await api.longrun.cancel(job.id);
    gated.open(2);
    const done = await waitFor(
      'the worker to stop',
      async () => {
        const j = await api.longrun.getJob(job.id);
        return j.completedAt !== null ? j : null;
      },
      5_000,
    );
    assert.equal(done.status, 'cancelled');
    assert.deepEqual(gated.started, [0, 1, 2], 'no item started after the cancel committed');
  });

  it('between the claim and the launch of the claimed job', async () => {
    const gated = gatedJob();
    const { store, longrun } = await open([gated.job]);
    // The cancel commits after the claim and before the worker has the job in hand: its
    // notification finds nothing running yet.
    const claim = store.jobClaim.bind(store);
    (store as { jobClaim: Store['jobClaim'] }).jobClaim = async (p) => {
      const got = await claim(p);
      for (const c of got) await store.jobCancel({ workspaceId: c.job.workspaceId, id: c.job.id });
      return got;
    };
    const { job } = await longrun.enqueue('test.gated', { items: 3 });
    longrun.start({ concurrency: 1, leaseMs: LEASE_MS });
    const done = await waitFor(
      'the job to end',
      async () => {
        const j = await longrun.getJob(job.id);
        return j.completedAt !== null ? j : null;
      },
      5_000,
    );
    assert.equal(done.status, 'cancelled');
    assert.deepEqual(gated.started, [], 'no item started');
  });

  it('records cancel_requested_at as of the commit, not before waiting for the write lock', async () => {
    const gated = gatedJob();
    const { longrun } = await open([gated.job]);
    const { job } = await longrun.enqueue('test.gated', { items: 1 }, { runAt: Date.now() + 60_000 });
    // Another process holds the write lock for 400 ms; the cancel waits for it.
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `const db = new (require('better-sqlite3'))(${JSON.stringify(file)});
         db.exec('BEGIN IMMEDIATE'); console.log('locked');
         setTimeout(() => { const t = Date.now(); db.exec('COMMIT'); console.log('released ' + t); }, 400);`,
      ],
      { cwd: join(import.meta.dirname, '..'), stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const lines = createInterface({ input: holder.stdout });
    const seen: string[] = [];
    lines.on('line', (l) => seen.push(l));
    await waitFor('the lock to be taken', () => seen.includes('locked'));
    const res = await longrun.cancel(job.id);
    await waitFor('the holder to report', () => seen.some((l) => l.startsWith('released ')));
    const released = Number(seen.find((l) => l.startsWith('released '))?.slice(9));
    assert.ok(
      (res.job.cancelRequestedAt ?? 0) >= released,
      `cancelRequestedAt ${res.job.cancelRequestedAt} is before the lock was released at ${released}`,
    );
  });
});
