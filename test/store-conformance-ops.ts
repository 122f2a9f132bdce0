/**
 * Conformance: bulk cancel (`jobCancelMany`) and the retry link (`retryOf`, `retryOnly`) on every
 * store. A bulk cancel must do to each job what `jobCancel` does: status, counts, a status event,
 * the worker's cancel signal for running jobs, and nothing to jobs that are already over.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toJobJson } from '../src/core/job-json.ts';
import {
  allEvents,
  claimOne,
  expectError,
  finish,
  getJob,
  insert,
  listAll,
  newJob,
  running,
  T0,
  type WithStore,
} from './store-conformance-helpers.ts';

export function opsTests(withStore: WithStore): void {
  describe('jobCancelMany', () => {
    it('cancels 10,000 pending jobs in one call, and nothing on the second', () =>
      withStore(async ({ store }) => {
        const jobs = Array.from({ length: 10_000 }, (_, i) => newJob({ type: 't.bulk', name: `j${i}` }));
        await store.jobInsert({ jobs });
        const [keep] = await insert(store, { type: 't.keep' });
        const first = await store.jobCancelMany({
          workspaceId: 'ws1',
          filter: { types: ['t.bulk'] },
          by: 'ops',
        });
        assert.deepEqual(first, { cancelled: 10_000, more: false });
        const cancelled = await store.jobList({ workspaceId: 'ws1', statuses: ['cancelled'], limit: 100 });
        assert.equal(cancelled.jobs.length, 100);
        for (const j of cancelled.jobs) {
          assert.equal(j.type, 't.bulk');
          assert.equal(j.completedAt, T0, 'a pending job stops at once');
          assert.equal(j.cancelRequestedAt, T0);
          assert.equal(j.cancelledBy, 'ops');
        }
        assert.equal((await getJob(store, keep as string)).status, 'pending');
        const again = await store.jobCancelMany({ workspaceId: 'ws1', filter: { types: ['t.bulk'] } });
        assert.deepEqual(again, { cancelled: 0, more: false });
        const counts = await store.jobCounts({ workspaceId: 'ws1' });
        assert.equal(counts.find((c) => c.status === 'cancelled')?.count, 10_000);
        assert.equal(counts.find((c) => c.status === 'pending')?.count, 1);
        // One status event per job, as single cancels record.
        const events = await store.eventList({
          workspaceId: 'ws1',
          after: 0,
          limit: 20_000,
          kinds: ['status'],
        });
        assert.equal(events.filter((e) => e.data.status === 'cancelled').length, 10_000);
      }));

    it('cancels running jobs as jobCancel does: completedAt left to the worker, the worker told', () =>
      withStore(async ({ store, clock }) => {
        const heard: string[] = [];
        const off = store.notifications?.jobCancelled((id) => heard.push(id));
        const a = await running(store, { type: 't.run' });
        const b = await running(store, { type: 't.run' });
        const [pending] = await insert(store, { type: 't.run' });
        clock.advance(7);
        const res = await store.jobCancelMany({ workspaceId: 'ws1', filter: { statuses: ['running'] } });
        assert.deepEqual(res, { cancelled: 2, more: false });
        for (const c of [a, b]) {
          const j = await getJob(store, c.lease.jobId);
          assert.equal(j.status, 'cancelled');
          assert.equal(j.cancelRequestedAt, T0 + 7);
          assert.equal(j.completedAt, null);
          const states = await store.jobHeartbeat({ leases: [c.lease], leaseMs: 30_000 });
          assert.equal(states.get(c.lease.jobId), 'cancelled');
        }
        assert.deepEqual(
          heard.sort(),
          [a.lease.jobId, b.lease.jobId].sort(),
          'this process heard both cancels',
        );
        assert.equal((await getJob(store, pending as string)).status, 'pending');
        const statuses = (await allEvents(store, 'ws1', a.lease.jobId))
          .map((e) => e.data.status)
          .filter(Boolean);
        assert.deepEqual(statuses.slice(-2), ['running', 'cancelled']);
        // The worker then finishes: its finish closes the attempt and the job stays cancelled.
        await finish(store, a.lease, 'completed');
        const done = await getJob(store, a.lease.jobId);
        assert.equal(done.status, 'cancelled');
        assert.notEqual(done.completedAt, null);
        off?.();
      }));

    it('filters by category, type, createdBefore and ids, AND-ed; leaves finished jobs alone', () =>
      withStore(async ({ store, clock }) => {
        const [old1, old2] = await insert(
          store,
          { type: 't.x', category: 'seo' },
          { type: 't.y', category: 'ai' },
        );
        clock.advance(1_000);
        const [new1, new2, new3] = await insert(
          store,
          { type: 't.x', category: 'seo' },
          { type: 't.y', category: 'ai' },
          { type: 't.done', category: 'seo' },
        );
        const done = await claimOne(store, { types: ['t.done'] });
        await finish(store, done.lease, 'completed');
        const cancel = (filter: Parameters<typeof store.jobCancelMany>[0]['filter']) =>
          store.jobCancelMany({ workspaceId: 'ws1', filter });
        assert.deepEqual(await cancel({ createdBefore: T0 + 1_000, categories: ['ai'] }), {
          cancelled: 1,
          more: false,
        });
        assert.equal((await getJob(store, old2 as string)).status, 'cancelled');
        assert.equal((await getJob(store, old1 as string)).status, 'pending');
        assert.deepEqual(await cancel({ ids: [new1 as string, new3 as string, 'nope'] }), {
          cancelled: 1,
          more: false,
        });
        assert.equal((await getJob(store, new1 as string)).status, 'cancelled');
        assert.equal(
          (await getJob(store, new3 as string)).status,
          'completed',
          'a completed job never changes',
        );
        assert.deepEqual(await cancel({ types: ['t.y'], statuses: ['pending'] }), {
          cancelled: 1,
          more: false,
        });
        assert.equal((await getJob(store, new2 as string)).status, 'cancelled');
        // Another workspace's jobs are out of reach.
        const [foreign] = await insert(store, { workspaceId: 'ws2' });
        assert.deepEqual(await cancel({ all: true }), { cancelled: 1, more: false });
        assert.equal((await getJob(store, old1 as string)).status, 'cancelled');
        assert.equal((await getJob(store, foreign as string, 'ws2')).status, 'pending');
      }));

    it('stops at the limit, oldest first, and says more remain', () =>
      withStore(async ({ store, clock }) => {
        const ids: string[] = [];
        for (let i = 0; i < 5; i++) {
          ids.push(...(await insert(store, { type: 't.l' })));
          clock.advance(1);
        }
        assert.deepEqual(
          await store.jobCancelMany({ workspaceId: 'ws1', filter: { types: ['t.l'] }, limit: 3 }),
          { cancelled: 3, more: true },
        );
        const statuses = await Promise.all(ids.map(async (id) => (await getJob(store, id)).status));
        assert.deepEqual(statuses, ['cancelled', 'cancelled', 'cancelled', 'pending', 'pending']);
        assert.deepEqual(
          await store.jobCancelMany({ workspaceId: 'ws1', filter: { types: ['t.l'] }, limit: 2 }),
          { cancelled: 2, more: false },
        );
      }));

    it('refuses an empty filter, a status that cannot be cancelled, and a bad limit', () =>
      withStore(async ({ store }) => {
        await insert(store, {});
        await expectError(store.jobCancelMany({ workspaceId: 'ws1', filter: {} }), 'invalid_input');
        await expectError(
          store.jobCancelMany({ workspaceId: 'ws1', filter: { statuses: ['completed'] } }),
          'invalid_input',
        );
        await expectError(
          store.jobCancelMany({ workspaceId: 'ws1', filter: { types: [] } }),
          'invalid_input',
        );
        await expectError(
          store.jobCancelMany({ workspaceId: 'ws1', filter: { all: true }, limit: 10_001 }),
          'invalid_input',
        );
        const counts = await store.jobCounts({ workspaceId: 'ws1' });
        assert.deepEqual(counts, [{ status: 'pending', category: 'seo', count: 1 }]);
      }));
  });

  describe('retry link', () => {
    it('stores retryOf and retryOnly, returns them everywhere a job is read, and claims them', () =>
      withStore(async ({ store }) => {
        const [old] = await insert(store, { type: 't.r' });
        const [full, partial] = await insert(
          store,
          { type: 't.r', retryOf: old as string },
          { type: 't.r', retryOf: old as string, retryOnly: 'failed-items' },
        );
        const j = await getJob(store, partial as string);
        assert.equal(j.retryOf, old);
        assert.equal(j.retryOnly, 'failed-items');
        assert.equal((await getJob(store, full as string)).retryOf, old);
        assert.equal((await getJob(store, full as string)).retryOnly, null);
        assert.equal((await getJob(store, old as string)).retryOf, null);
        const listed = await listAll(store, { workspaceId: 'ws1' });
        assert.equal(listed.find((x) => x.id === partial)?.retryOf, old);
        const detail = await store.jobDetailJson({ workspaceId: 'ws1', id: partial as string, logLimit: 10 });
        assert.equal(JSON.parse(detail ?? '{}').retryOnly, 'failed-items');
        assert.equal(toJobJson(j).retryOf, old);
        const claimed = new Map<string, string | null>();
        for (let i = 0; i < 3; i++) {
          const c = await claimOne(store, { types: ['t.r'] });
          claimed.set(c.lease.jobId, c.job.retryOnly);
        }
        assert.equal(claimed.get(partial as string), 'failed-items');
      }));
  });
}
