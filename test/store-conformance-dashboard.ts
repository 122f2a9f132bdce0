/**
 * Conformance: what the dashboard stores and reads: sessions and the throughput time series (its
 * search is in store-conformance-search.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Store } from '../src/store/types.ts';
import {
  claimOne,
  expectError,
  finish,
  insert,
  listAll,
  running,
  T0,
  type WithStore,
} from './store-conformance-helpers.ts';

const IDLE = 12 * 3_600_000;

async function key(store: Store, scope: 'read' | 'write' | 'admin' = 'write', workspaceId = 'ws1') {
  return store.apiKeyCreate({
    workspaceId,
    name: `${scope} key`,
    scope,
    hash: `key-${scope}-${workspaceId}`,
    prefix: 'lr_x',
  });
}

export function sessionTests(withStore: WithStore): void {
  describe('sessions', () => {
    it('creates a session for a key and finds it by hash with the key’s name and scope', () =>
      withStore(async ({ store, clock }) => {
        const k = await key(store, 'admin');
        clock.advance(7);
        const made = await store.sessionCreate({ workspaceId: 'ws1', keyId: k.id, hash: 's1' });
        assert.ok(made.id.length > 0);
        assert.deepEqual(
          { ...made, id: 'x' },
          {
            id: 'x',
            workspaceId: 'ws1',
            keyId: k.id,
            keyName: 'admin key',
            scope: 'admin',
            createdAt: T0 + 7,
            lastSeenAt: T0 + 7,
          },
        );
        assert.deepEqual(await store.sessionFind({ hash: 's1', idleMs: IDLE }), made);
        assert.equal(await store.sessionFind({ hash: 'unknown', idleMs: IDLE }), null);
        const other = await store.sessionCreate({ workspaceId: 'ws1', keyId: k.id, hash: 's2' });
        assert.notEqual(other.id, made.id);
      }));

    it('refuses a revoked key, an unknown key and another workspace’s key', () =>
      withStore(async ({ store }) => {
        const k = await key(store);
        const foreign = await key(store, 'admin', 'ws2');
        await expectError(
          store.sessionCreate({ workspaceId: 'ws1', keyId: 'nope', hash: 'a' }),
          'unauthorized',
        );
        await expectError(
          store.sessionCreate({ workspaceId: 'ws1', keyId: foreign.id, hash: 'b' }),
          'unauthorized',
        );
        assert.equal(await store.apiKeyRevoke({ id: k.id }), true);
        await expectError(
          store.sessionCreate({ workspaceId: 'ws1', keyId: k.id, hash: 'c' }),
          'unauthorized',
        );
        for (const hash of ['a', 'b', 'c'])
          assert.equal(await store.sessionFind({ hash, idleMs: IDLE }), null);
      }));

    it('purges revoked and idle sessions, in batches, and keeps live ones', () =>
      withStore(async ({ store, clock }) => {
        const k = await key(store);
        for (const hash of ['live', 'revoked', 'idle-1', 'idle-2'])
          await store.sessionCreate({ workspaceId: 'ws1', keyId: k.id, hash });
        assert.equal(await store.sessionRevoke({ hash: 'revoked' }), true);
        clock.advance(IDLE + 1);
        const live = await store.sessionFind({ hash: 'live', idleMs: 2 * IDLE });
        assert.ok(live);
        await store.sessionTouch({ id: live.id });
        assert.equal(await store.sessionPurge({ idleMs: IDLE, limit: 2 }), 2);
        assert.equal(await store.sessionPurge({ idleMs: IDLE, limit: 2 }), 1);
        assert.equal(await store.sessionPurge({ idleMs: IDLE, limit: 2 }), 0);
        assert.ok(await store.sessionFind({ hash: 'live', idleMs: IDLE }));
        for (const hash of ['idle-1', 'idle-2'])
          assert.equal(await store.sessionFind({ hash, idleMs: 10 * IDLE }), null, `${hash} is gone`);
      }));

    it('expires after idleMs without a touch, and a touch keeps it alive', () =>
      withStore(async ({ store, clock }) => {
        const k = await key(store);
        const s = await store.sessionCreate({ workspaceId: 'ws1', keyId: k.id, hash: 'h' });
        clock.advance(1_000);
        assert.ok(await store.sessionFind({ hash: 'h', idleMs: 1_000 }), 'exactly idleMs is still live');
        clock.advance(1);
        assert.equal(await store.sessionFind({ hash: 'h', idleMs: 1_000 }), null);
        assert.ok(await store.sessionFind({ hash: 'h', idleMs: 1_001 }), 'the idle time is the caller’s');
        await store.sessionTouch({ id: s.id });
        clock.advance(900);
        const found = await store.sessionFind({ hash: 'h', idleMs: 1_000 });
        assert.equal(found?.lastSeenAt, T0 + 1_001);
        assert.equal(found?.createdAt, T0);
        // A touch never moves lastSeenAt back (two processes touching with skewed clocks).
        clock.set(T0 + 10);
        await store.sessionTouch({ id: s.id });
        clock.set(T0 + 1_901);
        assert.equal((await store.sessionFind({ hash: 'h', idleMs: 1_000 }))?.lastSeenAt, T0 + 1_001);
      }));

    it('revokes by hash once; a revoked session is never found or revived', () =>
      withStore(async ({ store, clock }) => {
        const k = await key(store);
        const s = await store.sessionCreate({ workspaceId: 'ws1', keyId: k.id, hash: 'h' });
        const kept = await store.sessionCreate({ workspaceId: 'ws1', keyId: k.id, hash: 'h2' });
        assert.equal(await store.sessionRevoke({ hash: 'h' }), true);
        assert.equal(await store.sessionRevoke({ hash: 'h' }), false);
        assert.equal(await store.sessionRevoke({ hash: 'unknown' }), false);
        clock.advance(5);
        await store.sessionTouch({ id: s.id });
        assert.equal(await store.sessionFind({ hash: 'h', idleMs: IDLE }), null);
        assert.deepEqual(await store.sessionFind({ hash: 'h2', idleMs: IDLE }), kept);
      }));

    it('revoking the key ends every session made from it, and only those', () =>
      withStore(async ({ store }) => {
        const a = await key(store, 'write');
        const b = await key(store, 'read');
        await store.sessionCreate({ workspaceId: 'ws1', keyId: a.id, hash: 'a1' });
        await store.sessionCreate({ workspaceId: 'ws1', keyId: a.id, hash: 'a2' });
        await store.sessionCreate({ workspaceId: 'ws1', keyId: b.id, hash: 'b1' });
        assert.equal(await store.apiKeyRevoke({ id: a.id, workspaceId: 'ws1' }), true);
        assert.equal(await store.sessionFind({ hash: 'a1', idleMs: IDLE }), null);
        assert.equal(await store.sessionFind({ hash: 'a2', idleMs: IDLE }), null);
        assert.equal((await store.sessionFind({ hash: 'b1', idleMs: IDLE }))?.scope, 'read');
      }));

    it('runs on the store’s own clock when none is injected', () =>
      withStore(
        async ({ store }) => {
          const k = await key(store);
          const before = await store.clockNow();
          const s = await store.sessionCreate({ workspaceId: 'ws1', keyId: k.id, hash: 'h' });
          const after = await store.clockNow();
          assert.ok(s.createdAt >= before && s.createdAt <= after, `${before} <= ${s.createdAt} <= ${after}`);
          assert.ok(await store.sessionFind({ hash: 'h', idleMs: 3_600_000 }));
          await store.sessionTouch({ id: s.id });
          assert.ok(
            ((await store.sessionFind({ hash: 'h', idleMs: 3_600_000 }))?.lastSeenAt ?? 0) >= s.createdAt,
          );
        },
        { ownClock: true },
      ));
  });
}

export function timeseriesTests(withStore: WithStore): void {
  describe('cancelledBy', () => {
    it('keeps who asked for the first cancel, in the job, its list page and its detail JSON', () =>
      withStore(async ({ store }) => {
        const [pending] = await insert(store, {});
        const live = await running(store);
        const [unnamed] = await insert(store, {});
        await store.jobCancel({ workspaceId: 'ws1', id: pending as string, by: 'ops "night" key' });
        await store.jobCancel({ workspaceId: 'ws1', id: live.lease.jobId, by: 'dashboard' });
        await store.jobCancel({ workspaceId: 'ws1', id: live.lease.jobId, by: 'someone later' });
        await store.jobCancel({ workspaceId: 'ws1', id: unnamed as string });
        const by = Object.fromEntries(
          (await listAll(store, { workspaceId: 'ws1' })).map((j) => [j.id, j.cancelledBy]),
        );
        assert.deepEqual(by, {
          [pending as string]: 'ops "night" key',
          [live.lease.jobId]: 'dashboard',
          [unnamed as string]: null,
        });
        const detail = await store.jobDetailJson({ workspaceId: 'ws1', id: live.lease.jobId, logLimit: 10 });
        assert.equal((JSON.parse(detail ?? '{}') as { cancelledBy?: unknown }).cancelledBy, 'dashboard');
        const got = await store.jobDetailGet({ workspaceId: 'ws1', id: pending as string, logLimit: 10 });
        assert.equal(got?.cancelledBy, 'ops "night" key');
      }));
  });

  describe('jobTimeseries', () => {
    it('counts finished jobs per bucket by completedAt, oldest first, skipping empty buckets', () =>
      withStore(async ({ store, clock }) => {
        const MIN = 60_000;
        // Completed at T0 + 1 s (bucket 0), failed at T0 + 61 s (bucket 1), a pending job cancelled
        // at T0 + 4 min (bucket 4), a running one cancelled then stopped at T0 + 4.5 min.
        clock.set(T0 + 1_000);
        await finish(store, (await running(store)).lease, 'completed');
        clock.set(T0 + 61_000);
        await finish(store, (await running(store, { maxAttempts: 1 })).lease, 'failed');
        const [pending] = await insert(store, {});
        const live = await running(store);
        clock.set(T0 + 4 * MIN);
        await store.jobCancel({ workspaceId: 'ws1', id: pending as string });
        await store.jobCancel({ workspaceId: 'ws1', id: live.lease.jobId });
        const before = await store.jobTimeseries({ workspaceId: 'ws1', since: T0, bucketMs: MIN });
        clock.set(T0 + 4.5 * MIN);
        await store.jobFinish({ finishes: [{ lease: live.lease, outcome: 'completed' }] });
        // Not finished: pending, running, and another workspace's job.
        await insert(store, {});
        await running(store, { type: 't.other' });
        await finish(store, (await running(store, { workspaceId: 'ws2' })).lease, 'completed');

        const start = Math.floor(T0 / MIN) * MIN;
        assert.notEqual(start, T0, 'T0 is not on a minute boundary, so the floor is exercised');
        assert.deepEqual(before, [
          { start, completed: 1, failed: 0, cancelled: 0 },
          { start: start + MIN, completed: 0, failed: 1, cancelled: 0 },
          { start: start + 4 * MIN, completed: 0, failed: 0, cancelled: 1 },
        ]);
        const series = await store.jobTimeseries({ workspaceId: 'ws1', since: T0, bucketMs: MIN });
        assert.deepEqual(series.at(-1), { start: start + 4 * MIN, completed: 0, failed: 0, cancelled: 2 });
        assert.deepEqual(await store.jobTimeseries({ workspaceId: 'ws1', since: T0, bucketMs: 3_600_000 }), [
          {
            start: Math.floor(T0 / 3_600_000) * 3_600_000,
            completed: 1,
            failed: 1,
            cancelled: 2,
          },
        ]);
        // `since` is inclusive and cuts by completedAt, not by bucket.
        assert.deepEqual(
          await store.jobTimeseries({ workspaceId: 'ws1', since: T0 + 61_000, bucketMs: MIN }),
          [
            { start: start + MIN, completed: 0, failed: 1, cancelled: 0 },
            { start: start + 4 * MIN, completed: 0, failed: 0, cancelled: 2 },
          ],
        );
        assert.deepEqual(
          await store.jobTimeseries({ workspaceId: 'ws1', since: T0 + 5 * MIN, bucketMs: MIN }),
          [],
        );
        assert.deepEqual(await store.jobTimeseries({ workspaceId: 'nobody', since: 0, bucketMs: MIN }), []);
        await expectError(
          store.jobTimeseries({ workspaceId: 'ws1', since: 0, bucketMs: 0 }),
          'invalid_input',
        );
        await expectError(
          store.jobTimeseries({ workspaceId: 'ws1', since: 0, bucketMs: 1.5 }),
          'invalid_input',
        );
      }));

    it('counts retried attempts once, when the job reaches its terminal status', () =>
      withStore(async ({ store, clock }) => {
        await insert(store, { type: 't.r', maxAttempts: 2 });
        const first = await claimOne(store, { types: ['t.r'] });
        await store.jobFinish({ finishes: [{ lease: first.lease, outcome: 'failed', retryDelayMs: 0 }] });
        assert.deepEqual(await store.jobTimeseries({ workspaceId: 'ws1', since: 0, bucketMs: 1_000 }), []);
        clock.advance(10);
        const second = await claimOne(store, { types: ['t.r'] });
        await finish(store, second.lease, 'completed');
        assert.deepEqual(await store.jobTimeseries({ workspaceId: 'ws1', since: 0, bucketMs: 1_000 }), [
          { start: Math.floor((T0 + 10) / 1_000) * 1_000, completed: 1, failed: 0, cancelled: 0 },
        ]);
      }));
  });
}
