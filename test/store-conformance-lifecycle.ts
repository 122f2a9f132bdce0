/** Conformance: cancel, the frozen terminal states, lease recovery and purge. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LongrunError } from '../src/core/errors.ts';
import {
  allEvents,
  claim,
  claimOne,
  expectError,
  finish,
  getJob,
  insert,
  running,
  T0,
  type WithStore,
} from './store-conformance-helpers.ts';

export function cancelTests(withStore: WithStore): void {
  describe('jobCancel', () => {
    it('cancels a pending job at once', () =>
      withStore(async ({ store, clock }) => {
        const [id] = await insert(store, {});
        clock.advance(5);
        const res = await store.jobCancel({ workspaceId: 'ws1', id: id as string });
        assert.equal(res.previousStatus, 'pending');
        assert.equal(res.job.status, 'cancelled');
        assert.equal(res.job.completedAt, T0 + 5);
        assert.equal(res.job.cancelRequestedAt, T0 + 5);
        assert.deepEqual(await getJob(store, id as string), res.job);
        assert.deepEqual(await claim(store), []);
        assert.deepEqual(await store.jobCounts({ workspaceId: 'ws1' }), [
          { status: 'cancelled', category: 'seo', count: 1 },
        ]);
      }));

    it('marks a running job cancelled and leaves completedAt to its worker', () =>
      withStore(async ({ store, clock }) => {
        const { lease } = await running(store);
        clock.advance(5);
        const res = await store.jobCancel({ workspaceId: 'ws1', id: lease.jobId });
        assert.equal(res.previousStatus, 'running');
        assert.equal(res.job.status, 'cancelled');
        assert.equal(res.job.cancelRequestedAt, T0 + 5);
        assert.equal(res.job.completedAt, null);
        // The worker may still record what it finished before it noticed.
        assert.deepEqual(await store.jobWrite({ writes: [{ lease, progress: { completed: 1 } }] }), [true]);
        const statuses = (await allEvents(store, 'ws1', lease.jobId)).map((e) => e.data.status);
        assert.deepEqual(statuses.filter(Boolean), ['pending', 'running', 'cancelled']);
      }));

    it('cancelling a cancelled job is a no-op', () =>
      withStore(async ({ store, clock }) => {
        const [id] = await insert(store, {});
        const first = await store.jobCancel({ workspaceId: 'ws1', id: id as string });
        const eventsBefore = await allEvents(store, 'ws1', id);
        clock.advance(100);
        const again = await store.jobCancel({ workspaceId: 'ws1', id: id as string });
        assert.equal(again.previousStatus, 'cancelled');
        assert.deepEqual(again.job, first.job);
        assert.deepEqual(await allEvents(store, 'ws1', id), eventsBefore);
      }));

    it('refuses completed and failed jobs with job_not_cancellable', () =>
      withStore(async ({ store }) => {
        const a = await running(store);
        await finish(store, a.lease, 'completed');
        const b = await running(store);
        await finish(store, b.lease, 'failed');
        for (const [c, status] of [
          [a, 'completed'],
          [b, 'failed'],
        ] as const) {
          const err = (await expectError(
            store.jobCancel({ workspaceId: 'ws1', id: c.lease.jobId }),
            'job_not_cancellable',
          )) as LongrunError;
          assert.equal(err.details?.[0]?.status, status);
          assert.equal((await getJob(store, c.lease.jobId)).status, status);
        }
      }));

    it('answers not_found for an unknown job or another workspace', () =>
      withStore(async ({ store }) => {
        const [id] = await insert(store, {});
        await expectError(store.jobCancel({ workspaceId: 'ws1', id: 'no-such-job' }), 'not_found');
        await expectError(store.jobCancel({ workspaceId: 'ws2', id: id as string }), 'not_found');
        assert.equal((await getJob(store, id as string)).status, 'pending');
      }));
  });

  describe('status machine', () => {
    it('terminal jobs never move again', () =>
      withStore(async ({ store, clock }) => {
        const done = await running(store);
        await finish(store, done.lease, 'completed');
        const failed = await running(store, { maxAttempts: 1 });
        await store.jobFinish({ finishes: [{ lease: failed.lease, outcome: 'failed', retryDelayMs: 0 }] });
        const [pend] = await insert(store, { type: 't.run' });
        await store.jobCancel({ workspaceId: 'ws1', id: pend as string });
        const ids = [done.lease.jobId, failed.lease.jobId, pend as string];
        const before = await Promise.all(ids.map((id) => getJob(store, id)));
        assert.deepEqual(
          before.map((j) => j.status),
          ['completed', 'failed', 'cancelled'],
        );
        clock.advance(3_600_000);
        assert.deepEqual(await claim(store, { types: ['t.run'] }), []);
        assert.deepEqual(await store.leaseReap({ limit: 100, retryDelayMs: () => 0 }), []);
        const fin = await store.jobFinish({
          finishes: [
            { lease: done.lease, outcome: 'released' },
            { lease: failed.lease, outcome: 'failed', retryDelayMs: 0 },
          ],
        });
        assert.deepEqual(
          fin.map((f) => f.applied),
          [false, false],
        );
        await expectError(
          store.jobCancel({ workspaceId: 'ws1', id: done.lease.jobId }),
          'job_not_cancellable',
        );
        await store.jobCancel({ workspaceId: 'ws1', id: pend as string });
        assert.deepEqual(await Promise.all(ids.map((id) => getJob(store, id))), before);
      }));
  });
}

export function reapAndPurgeTests(withStore: WithStore): void {
  describe('leaseReap', () => {
    it('recovers an expired running job as a crashed attempt that keeps its steps', () =>
      withStore(async ({ store, clock }) => {
        const c = await running(store, { maxAttempts: 3 }, 1_000);
        const jobId = c.lease.jobId;
        await store.jobWrite({
          writes: [
            {
              lease: c.lease,
              steps: [
                { name: 'load', status: 'running' },
                { name: 'load', status: 'completed', result: [1, 2] },
              ],
              currentStep: 'load',
            },
          ],
        });
        const calls: number[] = [];
        const retryDelayMs = (attempt: number) => {
          calls.push(attempt);
          return 250;
        };
        clock.advance(999);
        assert.deepEqual(await store.leaseReap({ limit: 10, retryDelayMs }), []);
        clock.advance(2);
        const reaped = await store.leaseReap({ limit: 10, retryDelayMs });
        assert.deepEqual(reaped, [{ jobId, attempt: 1, outcome: 'crashed', status: 'pending' }]);
        assert.deepEqual(calls, [1]);
        const got = await store.jobGet({ workspaceId: 'ws1', id: jobId });
        assert.ok(got);
        assert.equal(got.job.status, 'pending');
        assert.equal(got.job.runAt, T0 + 1_001 + 250);
        assert.equal(got.job.completedAt, null);
        assert.equal(got.job.currentStep, null);
        assert.equal(got.logsTotal, 1);
        const [attempt] = await store.attemptList({ jobId });
        assert.equal(attempt?.outcome, 'crashed');
        assert.equal(attempt?.endedAt, T0 + 1_001);
        assert.equal(attempt?.workerId, 'w1');
        assert.ok(attempt?.error);
        const logs = await store.logList({ jobId, limit: 10 });
        assert.equal(logs.length, 1);
        assert.equal(logs[0]?.level, 'warn');
        assert.match(logs[0]?.message ?? '', /crashed/);
        assert.equal((await store.jobHeartbeat({ leases: [c.lease], leaseMs: 1_000 })).get(jobId), 'lost');
        assert.deepEqual(await claim(store, { types: ['t.run'] }), []);
        clock.advance(250);
        const again = await claimOne(store, { types: ['t.run'] });
        assert.equal(again.lease.attempt, 2);
        const steps = await store.stepList({ jobId });
        assert.deepEqual(
          steps.map((s) => [s.name, s.status, s.result]),
          [['load', 'completed', [1, 2]]],
        );
        assert.deepEqual(await store.jobCounts({ workspaceId: 'ws1' }), [
          { status: 'running', category: 'seo', count: 1 },
        ]);
      }));

    it('fails a job that used its last attempt', () =>
      withStore(async ({ store, clock }) => {
        const c = await running(store, { maxAttempts: 1 }, 1_000);
        clock.advance(1_001);
        const reaped = await store.leaseReap({ limit: 10, retryDelayMs: () => 0 });
        assert.deepEqual(reaped, [
          { jobId: c.lease.jobId, attempt: 1, outcome: 'crashed', status: 'failed' },
        ]);
        const job = await getJob(store, c.lease.jobId);
        assert.equal(job.status, 'failed');
        assert.equal(job.completedAt, T0 + 1_001);
        assert.equal(job.error?.code, 'crashed');
      }));

    it('completes the cancel of a job whose worker died', () =>
      withStore(async ({ store, clock }) => {
        const c = await running(store, {}, 1_000);
        await store.jobCancel({ workspaceId: 'ws1', id: c.lease.jobId });
        clock.advance(1_001);
        const reaped = await store.leaseReap({ limit: 10, retryDelayMs: () => 0 });
        assert.equal(reaped[0]?.status, 'cancelled');
        const job = await getJob(store, c.lease.jobId);
        assert.equal(job.status, 'cancelled');
        assert.equal(job.completedAt, T0 + 1_001);
        assert.equal((await store.attemptList({ jobId: c.lease.jobId })).at(-1)?.endedAt, T0 + 1_001);
        assert.deepEqual(await store.leaseReap({ limit: 10, retryDelayMs: () => 0 }), []);
      }));

    it('honours the limit and leaves live leases alone', () =>
      withStore(async ({ store, clock }) => {
        await insert(store, { type: 't.s' }, { type: 't.s' }, { type: 't.s' }, { type: 't.l' });
        assert.equal((await claim(store, { types: ['t.s'], leaseMs: 1_000 })).length, 3);
        const long = await claimOne(store, { types: ['t.l'], leaseMs: 60_000 });
        clock.advance(2_000);
        assert.equal((await store.leaseReap({ limit: 2, retryDelayMs: () => 0 })).length, 2);
        assert.equal((await store.leaseReap({ limit: 10, retryDelayMs: () => 0 })).length, 1);
        assert.deepEqual(await store.leaseReap({ limit: 10, retryDelayMs: () => 0 }), []);
        assert.equal((await getJob(store, long.lease.jobId)).status, 'running');
      }));
  });

  describe('jobPurge', () => {
    it('deletes finished jobs completed before the cutoff, with their rows', () =>
      withStore(async ({ store, clock }) => {
        const a = await running(store);
        await store.jobWrite({
          writes: [
            {
              lease: a.lease,
              logs: [{ level: 'info', message: 'x', step: null, timestamp: T0 }],
              items: [{ step: 's', key: 'k', status: 'completed', error: null }],
              steps: [{ name: 's', status: 'running' }],
            },
          ],
        });
        clock.advance(10);
        await finish(store, a.lease, 'completed'); // completed at T0+10
        clock.advance(10);
        const b = await running(store, { maxAttempts: 1 });
        await finish(store, b.lease, 'failed'); // T0+20
        clock.advance(10);
        const [c] = await insert(store, { type: 't.keep' });
        await store.jobCancel({ workspaceId: 'ws1', id: c as string }); // T0+30
        const d = await running(store); // running
        const [e] = await insert(store, { type: 't.keep' }); // pending
        clock.advance(10_000);
        assert.equal(await store.jobPurge({ before: T0 + 25, limit: 10 }), 2);
        for (const id of [a.lease.jobId, b.lease.jobId]) {
          assert.equal(await store.jobGet({ workspaceId: 'ws1', id }), null);
          assert.deepEqual(await store.logList({ jobId: id, limit: 10 }), []);
          assert.deepEqual(await store.itemList({ jobId: id, limit: 10 }), []);
          assert.deepEqual(await store.stepList({ jobId: id }), []);
          assert.deepEqual(await store.attemptList({ jobId: id }), []);
          assert.deepEqual(await allEvents(store, 'ws1', id), []);
        }
        assert.equal((await getJob(store, c as string)).status, 'cancelled');
        assert.equal(await store.jobPurge({ before: T0 + 100_000, limit: 10 }), 1);
        assert.equal(await store.jobGet({ workspaceId: 'ws1', id: c as string }), null);
        assert.equal((await getJob(store, d.lease.jobId)).status, 'running');
        assert.equal((await getJob(store, e as string)).status, 'pending');
        assert.deepEqual(await store.jobCounts({ workspaceId: 'ws1' }), [
          { status: 'pending', category: 'seo', count: 1 },
          { status: 'running', category: 'seo', count: 1 },
        ]);
      }));

    it('never issues an event id again after purging the newest events', () =>
      withStore(async ({ store, clock }) => {
        // A workspace stream that saw the newest event resumes after its id: if purging that
        // event's job let the store issue the id again, the stream would skip what comes next.
        const a = await running(store);
        await finish(store, a.lease);
        const seen = Math.max(...(await allEvents(store, 'ws1')).map((e) => e.id));
        assert.equal(await store.eventSequenceLast(), seen);
        clock.advance(10);
        assert.equal(await store.jobPurge({ before: T0 + 100, limit: 10 }), 1);
        assert.equal(await store.eventSequenceLast(), seen, 'purging does not lower the sequence');
        await running(store);
        const after = (await allEvents(store, 'ws1')).map((e) => e.id);
        assert.ok(after.length > 0 && after.every((id) => id > seen), `ids ${after} after ${seen}`);
        assert.equal(await store.eventSequenceLast(), Math.max(...after));
      }));

    it('deletes at most limit jobs, oldest first', () =>
      withStore(async ({ store, clock }) => {
        const ids: string[] = [];
        for (let i = 0; i < 3; i++) {
          const c = await running(store);
          await finish(store, c.lease);
          ids.push(c.lease.jobId);
          clock.advance(1);
        }
        assert.equal(await store.jobPurge({ before: T0 + 100, limit: 2 }), 2);
        assert.equal(await store.jobGet({ workspaceId: 'ws1', id: ids[0] as string }), null);
        assert.equal(await store.jobGet({ workspaceId: 'ws1', id: ids[1] as string }), null);
        assert.ok(await store.jobGet({ workspaceId: 'ws1', id: ids[2] as string }));
        assert.equal(await store.jobPurge({ before: T0 + 100, limit: 2 }), 1);
        assert.equal(await store.jobPurge({ before: T0 + 100, limit: 2 }), 0);
      }));
  });
}
