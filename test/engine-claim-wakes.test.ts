/**
 * When the worker pool claims (engine/worker.ts): a freed slot claims again only if something
 * announced work since the last claim came back short, and a store that announces nothing is
 * claimed from on every freed slot as before.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { z } from 'zod';
import { defineJob } from '../src/engine/define.ts';
import { createLongrun, type Longrun } from '../src/engine/longrun.ts';
import { createSqliteStore } from '../src/store/sqlite/index.ts';
import type { Store } from '../src/store/types.ts';
import { tempDir, waitFor } from './helpers.ts';

let release: () => void = () => {};
const noop = defineJob({
  type: 'test.noop',
  category: 'sync',
  input: z.object({ n: z.number() }),
  run: async () => null,
});
const held = defineJob({
  type: 'test.held',
  category: 'sync',
  input: z.object({}),
  run: () => new Promise<null>((r) => (release = () => r(null))),
});

/** Counts the pool's claim transactions without changing what they do. */
function countClaims(store: Store): { count: number } {
  const seen = { count: 0 };
  const claim = store.jobClaim.bind(store);
  store.jobClaim = (p) => {
    seen.count++;
    return claim(p);
  };
  return seen;
}

describe('claim wake-ups', () => {
  const tmp = tempDir('longrun-wakes-');
  let store: Store;
  let longrun: Longrun | null = null;
  let n = 0;
  beforeEach(async () => {
    store = await createSqliteStore({ path: join(tmp.dir, `db-${n++}.sqlite`) });
  });
  afterEach(async () => {
    await longrun?.stop();
    await store.close();
  });

  it('does not claim again when a job ends and nothing new was announced', async () => {
    const claims = countClaims(store);
    longrun = createLongrun({ store, jobs: [noop] });
    // No poll tick in this test: every claim comes from the start, an insert or an ended job.
    longrun.start({ concurrency: 10, pollIntervalMs: 600_000 });
    await waitFor('the first claim', () => claims.count === 1);
    for (let i = 0; i < 20; i++) {
      const { job } = await longrun.enqueue('test.noop', { n: i });
      await waitFor('the job to finish', async () => (await longrun?.getJob(job.id))?.status === 'completed');
    }
    // One claim at the start and one per insert; an empty claim after each job would make it 41.
    assert.equal(claims.count, 21);
  });

  it('claims once for the slots a finish batch frees together', async () => {
    const sizes: number[] = [];
    const claim = store.jobClaim.bind(store);
    store.jobClaim = async (p) => {
      const claimed = await claim(p);
      sizes.push(claimed.length);
      return claimed;
    };
    longrun = createLongrun({ store, jobs: [noop] });
    await longrun.enqueueMany(Array.from({ length: 200 }, (_, n) => ({ type: 'test.noop', input: { n } })));
    longrun.start({ concurrency: 50, claimBatch: 50, pollIntervalMs: 600_000 });
    await waitFor('200 finished jobs', async () =>
      (await longrun?.counts())?.some((c) => c.status === 'completed' && c.count === 200),
    );
    await waitFor('the claim after the last finish', () => sizes.length >= 5);
    // Four full claims and the short one that found the queue empty; a claim per first freed slot
    // would add claims of one job between them.
    assert.deepEqual(sizes, [50, 50, 50, 50, 0]);
  });

  it('claims on a freed slot from a store that announces nothing', async () => {
    const silent: Store = { ...store, notifications: null };
    longrun = createLongrun({ store: silent, jobs: [noop, held] });
    const first = await longrun.enqueue('test.held', {});
    longrun.start({ concurrency: 2, pollIntervalMs: 600_000 });
    await waitFor(
      'the held job to run',
      async () => (await longrun?.getJob(first.job.id))?.status === 'running',
    );
    // Inserted after a claim came back short, and nobody is told: only the freed slot finds it.
    const second = await longrun.enqueue('test.noop', { n: 1 });
    release();
    await waitFor(
      'the second job to finish',
      async () => (await longrun?.getJob(second.job.id))?.status === 'completed',
      10_000,
    );
  });
});
