/**
 * Concurrency limits through the package's engine, in one process on both stores: a keyed limit
 * and a type limit hold under a pool of 8, keys are computed at enqueue (bad keys refused), limits
 * are checked when a type is defined, and a paused type waits while the pool runs other work.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { z } from 'zod';
import { isLongrunError } from '../src/core/errors.ts';
import { defineJob } from '../src/engine/define.ts';
import { createLongrun } from '../src/engine/longrun.ts';
import { createPostgresStore } from '../src/store/postgres/index.ts';
import { createSqliteStore } from '../src/store/sqlite/index.ts';
import type { Store } from '../src/store/types.ts';
import { tempDir, waitFor } from './helpers.ts';
import { dropSchema, newSchemaName, PG_URL, pgSkipReason } from './store-postgres-helpers.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pgSkip = await pgSkipReason();

function tracker() {
  const now = new Map<string, number>();
  const most = new Map<string, number>();
  return {
    most,
    async hold(group: string, ms: number) {
      now.set(group, (now.get(group) ?? 0) + 1);
      most.set(group, Math.max(most.get(group) ?? 0, now.get(group) ?? 0));
      await sleep(ms);
      now.set(group, (now.get(group) ?? 0) - 1);
    },
  };
}

describe('engine: concurrency limits and pausing', () => {
  const tmp = tempDir('longrun-engine-flow-');
  after(() => tmp.cleanup());

  it('checks limits when a type is defined', () => {
    const base = { category: 'sync', input: z.object({}), run: async () => null };
    for (const concurrency of [
      0,
      1.5,
      -1,
      { limit: 1 },
      { key: 'x', limit: 1 },
      { key: () => 'k', limit: 0 },
    ]) {
      assert.throws(
        // biome-ignore lint/suspicious/noExplicitAny: invalid on purpose.
        () => defineJob({ ...base, type: 'bad.limit', concurrency: concurrency as any }),
        (e) => isLongrunError(e, 'invalid_input'),
        JSON.stringify(concurrency),
      );
    }
  });

  for (const kind of ['sqlite', 'postgres'] as const) {
    it(`${kind}: a keyed limit and a type limit hold under a pool of 8; bad keys are refused`, {
      skip: kind === 'postgres' ? pgSkip : undefined,
      timeout: 60_000,
    }, async () => {
      let store: Store;
      let cleanup = async () => {};
      if (kind === 'sqlite') store = await createSqliteStore({ path: join(tmp.dir, 'flow.db') });
      else {
        const schema = newSchemaName();
        store = await createPostgresStore({ connectionString: PG_URL, schema, poolSize: 4 });
        cleanup = () => dropSchema(schema);
      }
      const t = tracker();
      const keyed = defineJob({
        type: 'flow.keyed',
        category: 'sync',
        input: z.object({
          account: z.union([z.string(), z.number()]).nullable(),
          bad: z.boolean().optional(),
        }),
        concurrency: {
          key: (i) => (i.bad ? ({ not: 'a key' } as unknown as string) : i.account),
          limit: 1,
        },
        run: async (_ctx, i) => t.hold(`key:${i.account}`, 3),
      });
      const capped = defineJob({
        type: 'flow.capped',
        category: 'sync',
        input: z.object({}),
        concurrency: 2,
        run: async () => t.hold('capped', 3),
      });
      const free = defineJob({
        type: 'flow.free',
        category: 'sync',
        input: z.object({}),
        run: async () => t.hold('free', 10),
      });
      const longrun = createLongrun({ store, jobs: [keyed, capped, free] });
      try {
        await assert.rejects(longrun.enqueue('flow.keyed', { account: 'a', bad: true }), (e) =>
          isLongrunError(e, 'invalid_input'),
        );
        await assert.rejects(longrun.enqueue('flow.keyed', { account: 'x'.repeat(501) }), (e) =>
          isLongrunError(e, 'invalid_input'),
        );
        const requests = [
          ...Array.from({ length: 30 }, (_, n) => ({
            type: 'flow.keyed',
            input: { account: n % 3 === 0 ? 7 : `a${n % 3}` },
          })),
          ...Array.from({ length: 4 }, () => ({ type: 'flow.keyed', input: { account: null } })),
          ...Array.from({ length: 12 }, () => ({ type: 'flow.capped', input: {} })),
          ...Array.from({ length: 8 }, () => ({ type: 'flow.free', input: {} })),
        ];
        await longrun.enqueueMany(requests);
        longrun.start({ concurrency: 8, pollIntervalMs: 50 });
        await waitFor(
          'all completed',
          async () =>
            (await store.jobCounts({ workspaceId: 'default' }))
              .filter((c) => c.status === 'completed')
              .reduce((s, c) => s + c.count, 0) === requests.length,
          30_000,
          20,
        );
        assert.equal(t.most.get('key:7'), 1, 'a numeric key is a key');
        assert.equal(t.most.get('key:a1'), 1);
        assert.equal(t.most.get('key:a2'), 1);
        assert.ok((t.most.get('key:null') ?? 0) >= 1);
        assert.ok((t.most.get('capped') ?? 0) <= 2, `capped ran ${t.most.get('capped')} at once`);
        assert.ok((t.most.get('free') ?? 0) >= 2, 'an unlimited type ran side by side');

        // Paused: the type's new jobs wait while the pool runs another type; resume runs them.
        await longrun.flow.pause('flow.capped', { by: 'test' });
        const { job: waiting } = await longrun.enqueue('flow.capped', {});
        const { job: other } = await longrun.enqueue('flow.free', {});
        await waitFor(
          'the other job completed',
          async () => (await longrun.getJob(other.id)).status === 'completed',
        );
        assert.equal((await longrun.getJob(waiting.id)).status, 'pending');
        const listed = (await longrun.flow.jobTypes()).find((x) => x.type === 'flow.capped');
        assert.equal(listed?.paused, true);
        assert.equal(listed?.pausedBy, 'test');
        assert.deepEqual(listed?.concurrency, { limit: 2, perKey: false });
        await longrun.flow.resume('flow.capped');
        await waitFor(
          'the held job completed',
          async () => (await longrun.getJob(waiting.id)).status === 'completed',
        );
      } finally {
        await longrun.stop({ graceMs: 0 });
        await store.close();
        await cleanup();
      }
    });
  }

  it('postgres: a finish that frees a slot in one process wakes an idle worker in another (no polling)', {
    skip: pgSkip,
    timeout: 30_000,
  }, async () => {
    const schema = newSchemaName();
    const storeA = await createPostgresStore({ connectionString: PG_URL, schema, poolSize: 2 });
    const storeB = await createPostgresStore({ connectionString: PG_URL, schema, poolSize: 2 });
    const keyed = defineJob({
      type: 'flow.wake',
      category: 'sync',
      input: z.object({ k: z.string() }),
      concurrency: { key: (i) => i.k, limit: 1 },
      run: async () => null,
    });
    const a = createLongrun({ store: storeA, jobs: [keyed] });
    const b = createLongrun({ store: storeB, jobs: [keyed] });
    // B's claims that found nothing: B must be seen idle on the full key before the finish. Its
    // poll interval is ten minutes, so only the finish's announcement can wake it in time.
    const empties: number[] = [];
    const claim = storeB.jobClaim.bind(storeB);
    storeB.jobClaim = async (p) => {
      const got = await claim(p);
      if (got.length === 0) empties.push(Date.now());
      return got;
    };
    try {
      const [first] = await a.enqueueMany([{ type: 'flow.wake', input: { k: 'K' } }]);
      const [held] = await storeA.jobClaim({
        workerId: 'a',
        limit: 1,
        types: ['flow.wake'],
        leaseMs: 30_000,
        limits: [{ type: 'flow.wake', limit: 1, perKey: true }],
      });
      assert.equal(held?.job.id, first);
      const [second] = await a.enqueueMany([{ type: 'flow.wake', input: { k: 'K' } }]);
      b.start({ concurrency: 4, pollIntervalMs: 600_000 });
      await waitFor('B to find the key full', () => empties.length > 0);
      assert.equal((await b.getJob(second!)).status, 'pending');
      // Claims skip the full key without spinning: B, having found nothing, waits to be woken.
      const seen = empties.length;
      await sleep(300);
      assert.ok(
        empties.length - seen <= 1,
        `B claimed ${empties.length - seen} times while the key was full`,
      );
      // Without `freesSlot` this finish announces only events, and B waits for its poll (checked).
      await storeA.jobFinish({ finishes: [{ lease: held!.lease, outcome: 'completed', freesSlot: true }] });
      await waitFor(
        'B to run the second job',
        async () => (await b.getJob(second!)).status === 'completed',
        10_000,
      );
    } finally {
      await b.stop({ graceMs: 0 });
      await storeA.close();
      await storeB.close();
      await dropSchema(schema);
    }
  });
});
