/**
 * Partial retry in the engine, on both stores: which items a `failed-items` retry runs when the
 * old job stopped inside a step (it runs what was never reached, not what completed), and a retry
 * whose old job retention purged fails clearly instead of running everything.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { z } from 'zod';
import { defineJob } from '../src/engine/define.ts';
import { createLongrun, type Longrun } from '../src/engine/longrun.ts';
import { createPostgresStore } from '../src/store/postgres/index.ts';
import { createSqliteStore } from '../src/store/sqlite/index.ts';
import type { Store } from '../src/store/types.ts';
import { tempDir, waitFor } from './helpers.ts';
import { dropSchema, newSchemaName, PG_URL, pgSkipReason } from './store-postgres-helpers.ts';

const ran = new Map<string, string[]>();
const failing = new Set<string>();

const twoSteps = defineJob({
  type: 'test.two-steps',
  category: 'sync',
  partialRetry: true,
  input: z.object({ n: z.number().int() }),
  retry: { maxAttempts: 1 },
  async run(ctx, input) {
    const keys = Array.from({ length: input.n }, (_, i) => `e${i}`);
    const record = (k: string) => ran.set(ctx.jobId, [...(ran.get(ctx.jobId) ?? []), k]);
    // maxFailures 1: the second failure stops the step (and fails the job) with items left.
    await ctx.each('a', keys, { key: (k) => k, maxFailures: 1 }, async (k) => {
      record(`a:${k}`);
      if (failing.has(k)) throw new Error(`${k} failed`);
    });
    await ctx.each('b', keys, { key: (k) => k }, async (k) => {
      record(`b:${k}`);
    });
    return null;
  },
});

const pgSkip = await pgSkipReason();

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(
    `partial retry in the engine (${kind})`,
    kind === 'postgres' && pgSkip ? { skip: pgSkip } : {},
    () => {
      let store: Store;
      let longrun: Longrun;
      let cleanup: () => Promise<void>;

      beforeEach(async () => {
        if (kind === 'sqlite') {
          const tmp = tempDir('longrun-retry-');
          store = await createSqliteStore({ path: join(tmp.dir, 'retry.db') });
          cleanup = async () => tmp.cleanup();
        } else {
          const schema = newSchemaName();
          store = await createPostgresStore({ connectionString: PG_URL, schema, poolSize: 4 });
          cleanup = () => dropSchema(schema);
        }
        longrun = createLongrun({ store, jobs: [twoSteps] });
      });
      afterEach(async () => {
        await longrun.stop({ graceMs: 0 });
        await store.close();
        await cleanup();
      });

      const ended = (id: string) =>
        waitFor(
          `job ${id} to end`,
          async () => {
            const j = await longrun.getJob(id);
            return j.completedAt !== null ? j : undefined;
          },
          20_000,
          20,
        );

      it('reruns the failed items and the ones a stopped step never reached, not the completed ones', async () => {
        failing.clear();
        failing.add('e1');
        failing.add('e2');
        longrun.start({ concurrency: 2, pollIntervalMs: 20, flushIntervalMs: 20 });
        const { job } = await longrun.enqueue('test.two-steps', { n: 6 });
        const old = await ended(job.id);
        assert.equal(old.status, 'failed');
        assert.equal(old.error?.code, 'too_many_failures');
        assert.deepEqual(ran.get(job.id), ['a:e0', 'a:e1', 'a:e2']);
        failing.clear();
        const { job: retry } = await longrun.retry(job.id, { only: 'failed-items' });
        assert.equal(retry.retryOf, job.id);
        const done = await ended(retry.id);
        assert.equal(done.status, 'completed');
        assert.deepEqual(ran.get(retry.id), [
          'a:e1',
          'a:e2',
          'a:e3',
          'a:e4',
          'a:e5',
          'b:e0',
          'b:e1',
          'b:e2',
          'b:e3',
          'b:e4',
          'b:e5',
        ]);
        assert.deepEqual(done.progress, { total: 11, completed: 11, failed: 0 });
      });

      it('fails with retry_source_missing when the retried job was purged before the retry ran', async () => {
        failing.clear();
        failing.add('e0');
        failing.add('e1');
        longrun.start({ concurrency: 2, pollIntervalMs: 20, flushIntervalMs: 20 });
        const { job } = await longrun.enqueue('test.two-steps', { n: 3 });
        await ended(job.id);
        await longrun.stop({ graceMs: 0 });
        const { job: retry } = await longrun.retry(job.id, { only: 'failed-items' });
        assert.equal(await store.jobPurge({ before: Date.now() + 60_000, limit: 10 }), 1);
        longrun.start({ concurrency: 2, pollIntervalMs: 20, flushIntervalMs: 20 });
        const done = await ended(retry.id);
        assert.equal(done.status, 'failed');
        assert.equal(done.error?.code, 'retry_source_missing');
        assert.equal(ran.get(retry.id), undefined, 'the handler never ran');
      });
    },
  );
}
