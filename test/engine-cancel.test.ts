/** Cancellation: best effort between items and steps, nothing done is undone, exactly one terminal state. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { z } from 'zod';
import { isLongrunError } from '../src/core/errors.ts';
import { defineJob } from '../src/engine/define.ts';
import { createLongrun, type Longrun } from '../src/engine/longrun.ts';
import { createSqliteStore } from '../src/store/sqlite/index.ts';
import type { Store } from '../src/store/types.ts';
import { tempDir, waitFor } from './helpers.ts';

/** Items wait at a gate the test opens, so the test decides exactly when each item ends. */
function gatedJob() {
  const started: number[] = [];
  const gates = new Map<number, () => void>();
  let aborted = false;
  const job = defineJob({
    type: 'test.gated',
    category: 'seo',
    input: z.object({ items: z.number() }),
    async run(ctx, input) {
      ctx.signal.addEventListener('abort', () => {
        aborted = true;
      });
      const items = Array.from({ length: input.items }, (_, i) => i);
      await ctx.each('publish', items, { key: (i) => `e${i}` }, async (i) => {
        started.push(i);
        await new Promise<void>((resolve) => gates.set(i, resolve));
      });
      return { ok: true };
    },
  });
  return { job, started, open: (i: number) => gates.get(i)?.(), aborted: () => aborted };
}

describe('cancel', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: Store;
  let longrun: Longrun;
  const gated = gatedJob();
  const quick = defineJob({
    type: 'test.quick',
    category: 'ai',
    input: z.object({ n: z.number() }),
    async run(ctx, input) {
      // A few ms per step so cancels land on pending, running and finished jobs alike.
      await ctx.step('one', () => new Promise((r) => setTimeout(r, 1 + (input.n % 4))));
      await ctx.step('two', () => new Promise((r) => setTimeout(r, input.n % 3)));
      return { n: input.n };
    },
  });

  beforeEach(async () => {
    tmp = tempDir();
    store = await createSqliteStore({ path: join(tmp.dir, 'cancel.db') });
    longrun = createLongrun({ store, jobs: [gated.job, quick] });
  });
  afterEach(async () => {
    await longrun.stop({ graceMs: 100 });
    await store.close();
    tmp.cleanup();
  });

  it('a pending job is cancelled at once and never runs', async () => {
    const { job } = await longrun.enqueue('test.quick', { n: 1 }, { runAt: Date.now() + 60_000 });
    const res = await longrun.cancel(job.id);
    assert.equal(res.job.status, 'cancelled');
    assert.equal(typeof res.job.completedAt, 'number');
    longrun.start({ concurrency: 2 });
    const again = await longrun.cancel(job.id);
    assert.equal(again.previousStatus, 'cancelled', 'cancelling twice is a no-op success');
    const detail = await longrun.getJob(job.id);
    assert.equal(detail.attempts.length, 0);
    assert.equal(detail.startedAt, null);
  });

  it('a running job finishes the item in flight, starts no other, and keeps what was done', async () => {
    longrun.start({ concurrency: 1 });
    const { job } = await longrun.enqueue('test.gated', { items: 10 });
    for (const i of [0, 1, 2]) {
      await waitFor(`item ${i} to start`, () => gated.started.includes(i));
      gated.open(i);
    }
    await waitFor('item 3 to start', () => gated.started.includes(3));
    const res = await longrun.cancel(job.id);
    assert.equal(res.job.status, 'cancelled');
    assert.equal(typeof res.job.cancelRequestedAt, 'number');
    assert.equal(res.job.completedAt, null, 'the worker has not stopped yet');
    await waitFor('the signal to abort', () => gated.aborted());
    gated.open(3);
    const done = await waitFor('the worker to stop', async () => {
      const j = await longrun.getJob(job.id);
      return j.completedAt !== null ? j : null;
    });
    assert.equal(done.status, 'cancelled');
    assert.deepEqual(gated.started, [0, 1, 2, 3], 'no item started after the cancel');
    assert.deepEqual(done.progress, { total: 10, completed: 4, failed: 0 });
    const items = await longrun.listItems(job.id, { limit: 100 });
    assert.deepEqual(
      items.map((i) => i.key),
      ['e0', 'e1', 'e2', 'e3'],
    );
    assert.ok(done.logs.some((l) => /4 items completed and kept, 0 failed, 6 not started/.test(l.message)));
    assert.equal(done.attempts[0]?.outcome, 'cancelled');
    await assert.rejects(longrun.cancel('no-such-job'), (e) => isLongrunError(e, 'not_found'));
  });

  it('an item interrupted through ctx.signal is neither completed nor failed', async () => {
    const started: number[] = [];
    const listening = defineJob({
      type: 'test.listening',
      category: 'ai',
      input: z.object({}),
      async run(ctx) {
        await ctx.each('gen', [0, 1, 2, 3, 4], { key: (i) => `g${i}` }, async (i) => {
          started.push(i);
          if (i < 2) return;
          await new Promise((_, reject) =>
            ctx.signal.addEventListener('abort', () => reject(new Error('aborted'))),
          );
        });
      },
    });
    longrun.registry.register(listening);
    longrun.start({ concurrency: 1 });
    const { job } = await longrun.enqueue('test.listening', {});
    await waitFor('item 2 to start', () => started.includes(2));
    await longrun.cancel(job.id);
    const done = await waitFor('the worker to stop', async () => {
      const j = await longrun.getJob(job.id);
      return j.completedAt !== null ? j : null;
    });
    assert.equal(done.status, 'cancelled');
    assert.deepEqual(done.progress, { total: 5, completed: 2, failed: 0 });
    assert.deepEqual(
      (await longrun.listItems(job.id, { limit: 10 })).map((i) => i.key),
      ['g0', 'g1'],
    );
    assert.ok(done.logs.some((l) => /2 items completed and kept, 0 failed, 3 not started/.test(l.message)));
    assert.ok(!done.logs.some((l) => l.level === 'error'));
  });

  it('cancel of a completed job is a conflict that names its status', async () => {
    longrun.start({ concurrency: 1 });
    const { job } = await longrun.enqueue('test.quick', { n: 2 });
    await waitFor('completion', async () => (await longrun.getJob(job.id)).status === 'completed');
    await assert.rejects(longrun.cancel(job.id), (e) => {
      assert.ok(isLongrunError(e, 'job_not_cancellable'));
      assert.equal(e.status, 409);
      assert.equal(e.details?.[0]?.status, 'completed');
      return true;
    });
    await assert.rejects(longrun.cancel(job.id, { workspaceId: 'other' }), (e) =>
      isLongrunError(e, 'not_found'),
    );
  });

  it('1,000 cancel-vs-complete races each end in exactly one terminal state', async () => {
    longrun.start({ concurrency: 20, claimBatch: 20 });
    const ids = await longrun.enqueueMany(
      Array.from({ length: 1_000 }, (_, n) => ({ type: 'test.quick', input: { n } })),
    );
    const answers = new Map<string, 'cancelled' | 'conflict'>();
    await Promise.all(
      ids.map(async (id, i) => {
        // Spread the cancels over the run so some hit pending, some running, some finished jobs.
        await new Promise((r) => setTimeout(r, (i * 7) % 400));
        // Every tenth waits for its job to finish first, so both answers occur on any machine.
        if (i % 10 === 5)
          await waitFor(
            'a job to complete',
            async () => (await longrun.getJob(id)).completedAt !== null,
            30_000,
          );
        try {
          await longrun.cancel(id);
          answers.set(id, 'cancelled');
        } catch (e) {
          assert.ok(isLongrunError(e, 'job_not_cancellable'), String(e));
          answers.set(id, 'conflict');
        }
      }),
    );
    const all = await waitFor(
      'every job stopped',
      async () => {
        const jobs = await Promise.all(ids.map((id) => longrun.getJob(id)));
        return jobs.every((j) => j.completedAt !== null) ? jobs : null;
      },
      30_000,
      50,
    );
    for (const j of all) {
      const answer = answers.get(j.id);
      assert.equal(
        j.status,
        answer === 'cancelled' ? 'cancelled' : 'completed',
        `job ${j.id} answered ${answer}`,
      );
      assert.ok(j.attempts.length <= 1);
      if (j.attempts[0])
        assert.equal(j.attempts[0].outcome, j.status === 'cancelled' ? 'cancelled' : 'completed');
    }
    const counts = await longrun.counts();
    const byStatus = Object.fromEntries(counts.map((c) => [c.status, c.count]));
    assert.equal((byStatus.cancelled ?? 0) + (byStatus.completed ?? 0), 1_000);
    assert.equal(byStatus.cancelled ?? 0, [...answers.values()].filter((a) => a === 'cancelled').length);
    assert.ok((byStatus.cancelled ?? 0) > 0 && (byStatus.completed ?? 0) > 0, JSON.stringify(byStatus));
  });
});
