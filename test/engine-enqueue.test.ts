/**
 * Single enqueues made in one turn of the event loop share one write transaction (group commit,
 * engine/insert-batcher.ts), and each caller still gets exactly its own answer.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { z } from 'zod';
import { isLongrunError } from '../src/core/errors.ts';
import { defineJob } from '../src/engine/define.ts';
import { createLongrun, type Longrun } from '../src/engine/longrun.ts';
import { createSqliteStore } from '../src/store/sqlite/index.ts';
import type { Store } from '../src/store/types.ts';
import { tempDir } from './helpers.ts';

const job = defineJob({
  type: 'test.enqueue',
  category: 'sync',
  input: z.object({ n: z.number() }),
  run: async () => null,
});

describe('enqueue group commit', () => {
  const tmp = tempDir('longrun-enqueue-');
  let store: Store;
  let longrun: Longrun;
  before(async () => {
    store = await createSqliteStore({ path: join(tmp.dir, 'db.sqlite') });
    longrun = createLongrun({ store, jobs: [job] });
  });
  after(async () => {
    await store.close();
    tmp.cleanup();
  });

  it('commits the enqueues of one turn in one transaction, each caller getting its own job', async () => {
    const before = store.statsRead().writeTransactions;
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, n) => longrun.enqueue('test.enqueue', { n })),
    );
    assert.equal(store.statsRead().writeTransactions - before, 1);
    assert.equal(new Set(results.map((r) => r.job.id)).size, 50);
    for (const [n, r] of results.entries()) {
      assert.equal(r.created, true);
      assert.deepEqual((await longrun.getJob(r.job.id)).input, { n });
    }
  });

  it('answers a repeated idempotency key inside one batch like a later repeat', async () => {
    const [first, again, other] = await Promise.allSettled([
      longrun.enqueue('test.enqueue', { n: 1 }, { idempotencyKey: 'k' }),
      longrun.enqueue('test.enqueue', { n: 1 }, { idempotencyKey: 'k' }),
      longrun.enqueue('test.enqueue', { n: 2 }, { idempotencyKey: 'k' }),
    ]);
    assert.equal(first.status, 'fulfilled');
    assert.equal(again.status, 'fulfilled');
    if (first.status !== 'fulfilled' || again.status !== 'fulfilled') return;
    assert.equal(first.value.created, true);
    assert.equal(again.value.created, false);
    assert.equal(again.value.job.id, first.value.job.id);
    assert.equal(other.status, 'rejected');
    assert.ok(other.status === 'rejected' && isLongrunError(other.reason));
    assert.equal((other.reason as { code: string }).code, 'idempotency_conflict');
  });

  it('rejects every caller of a batch whose commit fails, and the next batch works again', async () => {
    const insert = store.jobInsert.bind(store);
    store.jobInsert = async () => {
      throw new Error('disk full');
    };
    const failed = await Promise.allSettled([
      longrun.enqueue('test.enqueue', { n: 1 }),
      longrun.enqueue('test.enqueue', { n: 2 }),
    ]);
    store.jobInsert = insert;
    assert.deepEqual(
      failed.map((r) => r.status === 'rejected' && (r.reason as Error).message),
      ['disk full', 'disk full'],
    );
    assert.equal((await longrun.enqueue('test.enqueue', { n: 3 })).created, true);
  });
});
