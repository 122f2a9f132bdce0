/** Conformance: insert (idempotency), claim (order, runAt, types, limit, no double claim) and heartbeat. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  allEvents,
  claim,
  claimOne,
  getJob,
  insert,
  newJob,
  running,
  T0,
  type WithStore,
} from './store-conformance-helpers.ts';

export function insertAndClaimTests(withStore: WithStore): void {
  describe('jobInsert', () => {
    it('inserts pending jobs timed by the store clock', () =>
      withStore(async ({ store }) => {
        const a = newJob({ input: { list: [1, 2], s: 'x', nested: { ok: true } } });
        const b = newJob({ runAt: T0 + 5_000, priority: 3, maxAttempts: 5, type: 't.b', category: 'ai' });
        const res = await store.jobInsert({ jobs: [a, b] });
        assert.deepEqual(res, [
          { id: a.id, created: true, sameRequest: true },
          { id: b.id, created: true, sameRequest: true },
        ]);
        const got = await store.jobGet({ workspaceId: 'ws1', id: a.id });
        assert.ok(got);
        assert.deepEqual(got.input, a.input);
        assert.equal(got.result, null);
        assert.equal(got.logsTotal, 0);
        assert.deepEqual(got.job, {
          id: a.id,
          workspaceId: 'ws1',
          name: 'a job',
          type: 't.a',
          category: 'seo',
          status: 'pending',
          progress: { total: 0, completed: 0, failed: 0 },
          createdAt: T0,
          completedAt: null,
          startedAt: null,
          updatedAt: T0,
          runAt: T0,
          priority: 0,
          attempt: 0,
          maxAttempts: 3,
          currentStep: null,
          cancelRequestedAt: null,
          cancelledBy: null,
          scheduleId: null,
          error: null,
          retryOf: null,
          retryOnly: null,
        });
        const jb = await getJob(store, b.id);
        assert.equal(jb.runAt, T0 + 5_000);
        assert.equal(jb.priority, 3);
        assert.equal(jb.maxAttempts, 5);
        assert.equal(jb.category, 'ai');
      }));

    it('returns the existing job for a reused idempotency key and compares request hashes', () =>
      withStore(async ({ store }) => {
        const first = newJob({ idempotencyKey: 'k1', requestHash: 'h1' });
        const same = newJob({ idempotencyKey: 'k1', requestHash: 'h1' });
        const other = newJob({ idempotencyKey: 'k1', requestHash: 'h2' });
        assert.deepEqual(await store.jobInsert({ jobs: [first] }), [
          { id: first.id, created: true, sameRequest: true },
        ]);
        assert.deepEqual(await store.jobInsert({ jobs: [same] }), [
          { id: first.id, created: false, sameRequest: true },
        ]);
        assert.deepEqual(await store.jobInsert({ jobs: [other] }), [
          { id: first.id, created: false, sameRequest: false },
        ]);
        assert.equal(await store.jobGet({ workspaceId: 'ws1', id: same.id }), null);
        assert.equal(await store.jobGet({ workspaceId: 'ws1', id: other.id }), null);
        // Keys are per workspace.
        const elsewhere = newJob({ workspaceId: 'ws2', idempotencyKey: 'k1', requestHash: 'h1' });
        assert.deepEqual(await store.jobInsert({ jobs: [elsewhere] }), [
          { id: elsewhere.id, created: true, sameRequest: true },
        ]);
        // A key repeated inside one batch resolves to the batch's first job.
        const x = newJob({ idempotencyKey: 'k2', requestHash: 'h1' });
        const y = newJob({ idempotencyKey: 'k2', requestHash: 'h9' });
        const z = newJob();
        assert.deepEqual(await store.jobInsert({ jobs: [x, y, z] }), [
          { id: x.id, created: true, sameRequest: true },
          { id: x.id, created: false, sameRequest: false },
          { id: z.id, created: true, sameRequest: true },
        ]);
        assert.deepEqual(await store.jobCounts({ workspaceId: 'ws1' }), [
          { status: 'pending', category: 'seo', count: 3 },
        ]);
      }));

    it('records a pending status event for the created jobs', () =>
      withStore(async ({ store }) => {
        const [id] = await insert(store, {});
        const events = await allEvents(store, 'ws1', id);
        assert.equal(events.length, 1);
        assert.equal(events[0]?.kind, 'status');
        assert.equal(events[0]?.data.status, 'pending');
        assert.equal(events[0]?.jobId, id);
        assert.equal(events[0]?.timestamp, T0);
        // A bulk insert may announce itself with one event per job or one per batch.
        await insert(store, {}, {}, {}, { workspaceId: 'ws2' });
        const ws1 = (await allEvents(store, 'ws1')).slice(1);
        assert.ok(ws1.length >= 1 && ws1.every((e) => e.kind === 'status' && e.data.status === 'pending'));
        assert.equal((await allEvents(store, 'ws2'))[0]?.data.status, 'pending');
      }));
  });

  describe('jobClaim', () => {
    it('claims by priority, then runAt, then insertion order', () =>
      withStore(async ({ store }) => {
        const [a, b, c, d, e] = await insert(
          store,
          { name: 'a', runAt: T0 - 3_000 },
          { name: 'b', priority: 5, runAt: T0 },
          { name: 'c', runAt: T0 - 5_000 },
          { name: 'd', priority: 5, runAt: T0 - 1_000 },
          { name: 'e', runAt: T0 - 3_000 },
        );
        const order: string[] = [];
        for (let i = 0; i < 5; i++) order.push((await claimOne(store)).lease.jobId);
        assert.deepEqual(order, [d, b, c, a, e]);
        assert.deepEqual(await claim(store), []);
      }));

    it('does not claim a job before its runAt', () =>
      withStore(async ({ store, clock }) => {
        const [id] = await insert(store, { runAt: T0 + 10_000 });
        assert.deepEqual(await claim(store), []);
        clock.advance(9_999);
        assert.deepEqual(await claim(store), []);
        clock.advance(1);
        const [c] = await claim(store);
        assert.equal(c?.lease.jobId, id);
      }));

    it('claims only the requested types, at most limit per call', () =>
      withStore(async ({ store }) => {
        await insert(store, {}, {}, {}, { type: 't.b' }, { type: 't.b' });
        assert.deepEqual(await claim(store, { types: [] }), []);
        const bs = await claim(store, { types: ['t.b', 't.none'] });
        assert.deepEqual(
          bs.map((c) => c.job.type),
          ['t.b', 't.b'],
        );
        assert.deepEqual(await claim(store, { limit: 0 }), []);
        assert.equal((await claim(store, { limit: 2 })).length, 2);
        assert.equal((await claim(store, { limit: 10 })).length, 1);
        assert.deepEqual(await claim(store, { types: ['t.a', 't.b'] }), []);
      }));

    it('never hands one job to two claimers, even concurrently', () =>
      withStore(async ({ store }) => {
        const ids = await insert(store, ...Array.from({ length: 60 }, (_, i) => ({ name: `j${i}` })));
        const seen: string[] = [];
        for (let round = 0; round < 20 && seen.length < ids.length; round++) {
          const batches = await Promise.all(
            Array.from({ length: 5 }, (_, w) => claim(store, { limit: 7, workerId: `w${w}` })),
          );
          for (const b of batches) seen.push(...b.map((c) => c.lease.jobId));
        }
        assert.equal(new Set(seen).size, seen.length, 'a job was claimed twice');
        assert.deepEqual([...seen].sort(), [...ids].sort());
      }));

    it('gives a claimed job a lease, an attempt, running status and an attempt in flight', () =>
      withStore(async ({ store, clock }) => {
        const [id, id2] = await insert(store, { input: { q: 'x' } }, {});
        clock.advance(7);
        const claimed = await claim(store, { workerId: 'w-x', leaseMs: 30_000 });
        assert.equal(claimed.length, 2);
        const c = claimed.find((x) => x.lease.jobId === id);
        const c2 = claimed.find((x) => x.lease.jobId === id2);
        assert.ok(c && c2);
        assert.equal(c.lease.attempt, 1);
        assert.ok(c.lease.token.length >= 8);
        assert.notEqual(c.lease.token, c2.lease.token, 'each job gets its own token');
        assert.equal(c.leaseExpiresAt, T0 + 7 + 30_000);
        assert.deepEqual(c.input, { q: 'x' });
        assert.equal(c.job.status, 'running');
        assert.equal(c.job.attempt, 1);
        assert.equal(c.job.startedAt, T0 + 7);
        const job = await getJob(store, id as string);
        assert.equal(job.status, 'running');
        assert.equal(job.startedAt, T0 + 7);
        assert.deepEqual(await store.attemptList({ jobId: id as string }), [
          { attempt: 1, workerId: 'w-x', startedAt: T0 + 7, endedAt: null, outcome: null, error: null },
        ]);
        const statuses = (await allEvents(store, 'ws1', id)).map((e) => e.data.status);
        assert.deepEqual(statuses.at(-1), 'running');
      }));
  });

  describe('jobHeartbeat', () => {
    it('extends a live lease so the reaper leaves it alone', () =>
      withStore(async ({ store, clock }) => {
        const c = await running(store, {}, 1_000);
        clock.advance(800);
        const states = await store.jobHeartbeat({ leases: [c.lease], leaseMs: 1_000 });
        assert.equal(states.get(c.lease.jobId), 'ok');
        clock.advance(800); // past the first expiry, before the extended one
        assert.deepEqual(await store.leaseReap({ limit: 10, retryDelayMs: () => 0 }), []);
        assert.equal((await getJob(store, c.lease.jobId)).status, 'running');
        clock.advance(300);
        assert.equal((await store.leaseReap({ limit: 10, retryDelayMs: () => 0 })).length, 1);
      }));

    it('reports lost for a foreign or finished lease and cancelled after a cancel', () =>
      withStore(async ({ store }) => {
        await insert(store, {}, {}, {}, {});
        const [a, b, c, d] = await claim(store);
        assert.ok(a && b && c && d);
        await store.jobCancel({ workspaceId: 'ws1', id: c.lease.jobId });
        await store.jobFinish({ finishes: [{ lease: d.lease, outcome: 'completed' }] });
        const states = await store.jobHeartbeat({
          leases: [{ ...a.lease, token: 'not-the-token' }, { ...b.lease, attempt: 2 }, c.lease, d.lease],
          leaseMs: 30_000,
        });
        assert.equal(states.get(a.lease.jobId), 'lost');
        assert.equal(states.get(b.lease.jobId), 'lost');
        assert.equal(states.get(c.lease.jobId), 'cancelled');
        assert.equal(states.get(d.lease.jobId), 'lost');
        const ok = await store.jobHeartbeat({ leases: [a.lease, b.lease], leaseMs: 30_000 });
        assert.deepEqual([...ok.values()], ['ok', 'ok']);
        assert.equal((await store.jobHeartbeat({ leases: [], leaseMs: 1 })).size, 0);
      }));
  });
}
