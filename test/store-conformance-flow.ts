/**
 * Conformance: flow control. Concurrency limits passed to `jobClaim` (per key of a workspace, per
 * type) are honoured and freed by finish, by a cancelled job's worker stopping and by lease
 * expiry; concurrent claimers never overfill a slot; paused types hold their pending jobs.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClaimLimit, Store } from '../src/store/types.ts';
import { finish, getJob, insert, type WithStore } from './store-conformance-helpers.ts';

const KEYED: ClaimLimit[] = [{ type: 't.k', limit: 1, perKey: true }];
const TYPE2: ClaimLimit[] = [{ type: 't.g', limit: 2, perKey: false }];

function claimWith(store: Store, types: string[], limits: ClaimLimit[], limit = 10, workerId = 'w1') {
  return store.jobClaim({ workerId, limit, types, leaseMs: 30_000, limits });
}

const keysOf = (claimed: { job: { workspaceId: string; id: string } }[], ids: Map<string, string>) =>
  claimed.map((c) => `${c.job.workspaceId}:${ids.get(c.job.id)}`).sort();

export function flowTests(withStore: WithStore): void {
  describe('flow control: concurrency limits', () => {
    it('a keyed limit of 1 starts one job per key and workspace; a job without a key is not limited', () =>
      withStore(async ({ store }) => {
        const spec = [
          ['ws1', 'A'],
          ['ws1', 'A'],
          ['ws1', 'B'],
          ['ws1', null],
          ['ws2', 'A'],
        ] as const;
        const ids = await insert(
          store,
          ...spec.map(([workspaceId, key]) => ({ workspaceId, type: 't.k', concurrencyKey: key })),
        );
        const label = new Map(ids.map((id, i) => [id, String(spec[i]?.[1])]));
        const first = await claimWith(store, ['t.k'], KEYED);
        assert.deepEqual(keysOf(first, label), ['ws1:A', 'ws1:B', 'ws1:null', 'ws2:A']);
        assert.equal(first.find((c) => c.job.id === ids[0])?.job.id, ids[0], 'claim order within a key');
        assert.deepEqual(await claimWith(store, ['t.k'], KEYED), [], 'every key is full: nothing, at once');
        const a1 = first.find((c) => c.job.id === ids[0]);
        assert.ok(a1);
        await finish(store, a1.lease);
        const next = await claimWith(store, ['t.k'], KEYED);
        assert.deepEqual(
          next.map((c) => c.job.id),
          [ids[1]],
          "finishing A's job frees A's slot for the next A",
        );
        // Without the limits the same store claims as it always did.
        const [extra] = await insert(store, { type: 't.k', concurrencyKey: 'B' });
        const unlimited = await store.jobClaim({
          workerId: 'w2',
          limit: 10,
          types: ['t.k'],
          leaseMs: 30_000,
        });
        assert.deepEqual(
          unlimited.map((c) => c.job.id),
          [extra],
        );
      }));

    it('a per-type limit counts across workspaces, and unlimited types in the same claim still start', () =>
      withStore(async ({ store }) => {
        const limited = await insert(
          store,
          { type: 't.g' },
          { type: 't.g', workspaceId: 'ws2' },
          { type: 't.g' },
          { type: 't.g' },
        );
        const [free] = await insert(store, { type: 't.a' });
        const got = await claimWith(store, ['t.g', 't.a'], TYPE2);
        assert.deepEqual(got.map((c) => c.job.id).sort(), [limited[0], limited[1], free].sort());
        assert.deepEqual(await claimWith(store, ['t.g', 't.a'], TYPE2), []);
        const running = got.filter((c) => c.job.type === 't.g');
        await finish(store, running[0]!.lease, 'failed');
        const after = await claimWith(store, ['t.g'], TYPE2);
        assert.deepEqual(
          after.map((c) => c.job.id),
          [limited[2]],
        );
        assert.deepEqual(await claimWith(store, ['t.g'], TYPE2), []);
      }));

    it('a job cancelled while running holds its slot until its worker stops', () =>
      withStore(async ({ store }) => {
        const [a, b] = await insert(
          store,
          { type: 't.k', concurrencyKey: 'K' },
          { type: 't.k', concurrencyKey: 'K' },
        );
        const [c] = await claimWith(store, ['t.k'], KEYED);
        assert.equal(c?.job.id, a);
        await store.jobCancel({ workspaceId: 'ws1', id: a! });
        assert.deepEqual(await claimWith(store, ['t.k'], KEYED), [], 'its handler is still running');
        const [done] = await store.jobFinish({ finishes: [{ lease: c!.lease, outcome: 'completed' }] });
        assert.equal(done?.status, 'cancelled');
        const [next] = await claimWith(store, ['t.k'], KEYED);
        assert.equal(next?.job.id, b);
      }));

    it('an expired lease gives its slot back when the reaper recovers the job', () =>
      withStore(async ({ store, clock }) => {
        const [a, b] = await insert(store, { type: 't.g' }, { type: 't.g' }, { type: 't.g' });
        const first = await store.jobClaim({
          workerId: 'w1',
          limit: 10,
          types: ['t.g'],
          leaseMs: 1_000,
          limits: TYPE2,
        });
        assert.deepEqual(first.map((c) => c.job.id).sort(), [a, b].sort());
        assert.deepEqual(await claimWith(store, ['t.g'], TYPE2), []);
        clock.advance(5_000);
        const reaped = await store.leaseReap({ limit: 10, retryDelayMs: () => 0 });
        assert.equal(reaped.length, 2);
        const again = await claimWith(store, ['t.g'], TYPE2);
        assert.equal(again.length, 2, 'both slots are free again');
      }));

    it('concurrent claimers never overfill a slot', () =>
      withStore(async ({ store }) => {
        await insert(store, ...Array.from({ length: 20 }, () => ({ type: 't.k', concurrencyKey: 'one' })));
        await insert(store, ...Array.from({ length: 20 }, () => ({ type: 't.g' })));
        const claims = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            claimWith(store, ['t.k', 't.g'], [...KEYED, ...TYPE2], 3, `w${i}`),
          ),
        );
        const all = claims.flat();
        assert.equal(all.filter((c) => c.job.type === 't.k').length, 1);
        assert.equal(all.filter((c) => c.job.type === 't.g').length, 2);
      }));
  });

  describe('flow control: paused job types', () => {
    it('holds pending jobs of a paused (workspace, type) and lets them run on resume', () =>
      withStore(async ({ store, clock }) => {
        const [mine, other, theirs] = await insert(
          store,
          { type: 't.a' },
          { type: 't.b' },
          { type: 't.a', workspaceId: 'ws2' },
        );
        const p1 = await store.jobTypePause({ workspaceId: 'ws1', type: 't.a', by: 'ops' });
        assert.deepEqual(p1, { type: 't.a', pausedAt: clock.now(), pausedBy: 'ops' });
        clock.advance(1_000);
        const p2 = await store.jobTypePause({ workspaceId: 'ws1', type: 't.a', by: 'other' });
        assert.deepEqual(p2, p1, 'pausing again keeps the first pause');
        assert.deepEqual(await store.jobTypePauseList({ workspaceId: 'ws1' }), [p1]);
        assert.deepEqual(await store.jobTypePauseList({ workspaceId: 'ws2' }), []);
        const got = await store.jobClaim({
          workerId: 'w',
          limit: 10,
          types: ['t.a', 't.b'],
          leaseMs: 30_000,
        });
        assert.deepEqual(got.map((c) => c.job.id).sort(), [other, theirs].sort());
        // The limited claim path honours pauses too.
        assert.deepEqual(await claimWith(store, ['t.a'], [{ type: 't.a', limit: 5, perKey: false }]), []);
        assert.equal((await getJob(store, mine!)).status, 'pending');
        assert.equal(await store.jobTypeResume({ workspaceId: 'ws1', type: 't.a' }), true);
        assert.equal(await store.jobTypeResume({ workspaceId: 'ws1', type: 't.a' }), false, 'idempotent');
        const resumed = await store.jobClaim({ workerId: 'w', limit: 10, types: ['t.a'], leaseMs: 30_000 });
        assert.deepEqual(
          resumed.map((c) => c.job.id),
          [mine],
        );
      }));

    it('running jobs of a paused type go on: their writes and finish apply', () =>
      withStore(async ({ store }) => {
        await insert(store, { type: 't.a' });
        const [c] = await store.jobClaim({ workerId: 'w', limit: 1, types: ['t.a'], leaseMs: 30_000 });
        assert.ok(c);
        await store.jobTypePause({ workspaceId: 'ws1', type: 't.a' });
        assert.deepEqual(
          await store.jobWrite({ writes: [{ lease: c.lease, progress: { total: 2, completed: 1 } }] }),
          [true],
        );
        const [r] = await store.jobFinish({ finishes: [{ lease: c.lease, outcome: 'completed' }] });
        assert.equal(r?.status, 'completed');
      }));
  });
}
