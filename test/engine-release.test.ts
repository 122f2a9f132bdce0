/**
 * Shutdown past the grace period and the clock a SQLite store trusts: two rules the soak's SIGTERM
 * and clock-skew scenarios found broken (soak/scenarios/process.ts).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { z } from 'zod';
import { defineJob } from '../src/engine/define.ts';
import { createLongrun } from '../src/engine/longrun.ts';
import { createSqliteStore } from '../src/store/sqlite/index.ts';
import type { Store } from '../src/store/types.ts';
import { tempDir, waitFor } from './helpers.ts';

describe('release at shutdown and the SQLite clock', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: Store;
  beforeEach(async () => {
    tmp = tempDir();
    store = await createSqliteStore({ path: join(tmp.dir, 'release.db') });
  });
  afterEach(async () => {
    await store.close();
    tmp.cleanup();
  });

  it('past the grace period the item in flight finishes and is kept; the next attempt does not run it again', async () => {
    const started: number[] = [];
    const gates = new Map<number, () => void>();
    const job = defineJob({
      type: 'test.gated',
      category: 'sync',
      input: z.object({}),
      async run(ctx) {
        await ctx.each('work', [0, 1, 2, 3], { key: (i) => `e${i}` }, async (i) => {
          started.push(i);
          // Items 2 and 3 only ever run in the second attempt, and pass at once.
          if (i > 1) return;
          await new Promise<void>((resolve) => gates.set(i, resolve));
        });
      },
    });
    const first = createLongrun({ store, jobs: [job] });
    first.start({ concurrency: 1 });
    const { job: created } = await first.enqueue('test.gated', {});
    await waitFor('item 0 to start', () => gates.has(0));
    gates.get(0)?.();
    await waitFor('item 1 to start', () => gates.has(1));
    const stopping = first.stop({ graceMs: 50 });
    // The grace period passes with item 1 still in flight; then it finishes inside the window.
    await new Promise((r) => setTimeout(r, 150));
    gates.get(1)?.();
    await stopping;
    assert.deepEqual(started, [0, 1], 'no item started after the release');
    const released = await first.getJob(created.id);
    assert.equal(released.status, 'pending');
    assert.equal(released.attempts[0]?.outcome, 'released');
    assert.deepEqual(released.progress, { total: 4, completed: 2, failed: 0 }, 'the item in flight was kept');

    const second = createLongrun({ store, jobs: [job] });
    second.start({ concurrency: 1 });
    const done = await waitFor('the job to complete', async () => {
      const j = await second.getJob(created.id);
      return j.status === 'completed' ? j : null;
    });
    await second.stop();
    assert.deepEqual(started, [0, 1, 2, 3], 'items 0 and 1 ran once');
    assert.deepEqual(done.progress, { total: 4, completed: 4, failed: 0 });
  });

  it('a claim committed while the pool stops is launched and released, not left running', async () => {
    // The soak's SIGTERM scenario on a loaded machine: the claim had committed, its answer had not
    // reached the worker, and the worker exited with 50 jobs running under leases nobody renewed.
    let answer: () => void = () => {};
    let claimCommitted = false;
    const slowAnswer: Store = {
      ...store,
      jobClaim: async (p) => {
        const claimed = await store.jobClaim(p);
        if (claimed.length > 0) {
          claimCommitted = true;
          await new Promise<void>((r) => {
            answer = r;
          });
        }
        return claimed;
      },
    };
    const job = defineJob({
      type: 'test.long',
      category: 'sync',
      input: z.object({}),
      run: (ctx) =>
        new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason))),
    });
    const longrun = createLongrun({ store: slowAnswer, jobs: [job] });
    const { job: created } = await longrun.enqueue('test.long', {});
    longrun.start({ concurrency: 2 });
    await waitFor('the claim to commit', () => claimCommitted);
    assert.equal((await longrun.getJob(created.id)).status, 'running');
    const stopping = longrun.stop({ graceMs: 0 });
    answer();
    await stopping;
    const after = await longrun.getJob(created.id);
    assert.equal(after.status, 'pending', 'released at shutdown');
    assert.equal(after.attempts[0]?.outcome, 'released');
  });

  it("times come from SQLite's clock, not from the process's Date.now", async () => {
    const realNow = Date.now;
    const trueNow = () => Math.round(performance.timeOrigin + performance.now());
    const job = defineJob({ type: 'test.noop', category: 'sync', input: z.object({}), run: async () => {} });
    Date.now = () => realNow() + 600_000;
    try {
      const longrun = createLongrun({ store, jobs: [job] });
      const before = trueNow();
      const { job: created } = await longrun.enqueue('test.noop', {});
      const [claimed] = await store.jobClaim({
        workerId: 'w',
        limit: 1,
        types: ['test.noop'],
        leaseMs: 30_000,
      });
      const after = trueNow();
      assert.ok(created.createdAt >= before - 5 && created.createdAt <= after + 5, 'createdAt is true time');
      const expires = claimed?.leaseExpiresAt ?? 0;
      assert.ok(
        expires >= before + 30_000 - 5 && expires <= after + 30_000 + 5,
        `the lease ends 30 s after true time, not after the skewed clock (${expires - after} ms)`,
      );
    } finally {
      Date.now = realNow;
    }
  });
});
