/** Conformance: finishing attempts, cancel, the frozen terminal states, lease recovery and purge. */
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

export function finishTests(withStore: WithStore): void {
  describe('jobFinish', () => {
    it('completed stores the result, applies final writes and closes attempt and lease', () =>
      withStore(async ({ store, clock }) => {
        const { lease } = await running(store, {}, 30_000);
        clock.advance(50);
        const res = await store.jobFinish({
          finishes: [
            {
              lease,
              outcome: 'completed',
              result: { ok: true, n: [1] },
              writes: {
                progress: { total: 1, completed: 1 },
                logs: [{ level: 'info', message: 'done', step: null, timestamp: T0 + 50 }],
              },
            },
          ],
        });
        assert.deepEqual(res, [{ jobId: lease.jobId, applied: true, status: 'completed' }]);
        const got = await store.jobGet({ workspaceId: 'ws1', id: lease.jobId });
        assert.ok(got);
        assert.equal(got.job.status, 'completed');
        assert.equal(got.job.completedAt, T0 + 50);
        assert.equal(got.job.updatedAt, T0 + 50);
        assert.equal(got.job.currentStep, null);
        assert.deepEqual(got.job.progress, { total: 1, completed: 1, failed: 0 });
        assert.deepEqual(got.result, { ok: true, n: [1] });
        assert.equal(got.logsTotal, 1);
        assert.deepEqual(await store.attemptList({ jobId: lease.jobId }), [
          { attempt: 1, workerId: 'w1', startedAt: T0, endedAt: T0 + 50, outcome: 'completed', error: null },
        ]);
        const hb = await store.jobHeartbeat({ leases: [lease], leaseMs: 1_000 });
        assert.equal(hb.get(lease.jobId), 'lost');
        const last = (await allEvents(store, 'ws1', lease.jobId)).at(-1);
        assert.equal(last?.kind, 'status');
        assert.equal(last?.data.status, 'completed');
        assert.deepEqual(await store.jobCounts({ workspaceId: 'ws1' }), [
          { status: 'completed', category: 'seo', count: 1 },
        ]);
      }));

    it('failed with retryDelayMs retries while attempts remain, then fails', () =>
      withStore(async ({ store, clock }) => {
        const first = await running(store, { maxAttempts: 2 });
        const error = { code: 'E_BOOM', message: 'it broke' };
        const [r1] = await store.jobFinish({
          finishes: [{ lease: first.lease, outcome: 'failed', error, retryDelayMs: 5_000 }],
        });
        assert.equal(r1?.status, 'pending');
        const job = await getJob(store, first.lease.jobId);
        assert.equal(job.status, 'pending');
        assert.equal(job.runAt, T0 + 5_000);
        assert.equal(job.completedAt, null);
        assert.equal(job.attempt, 1);
        assert.deepEqual(job.error, error);
        assert.deepEqual(await claim(store, { types: ['t.run'] }), []);
        clock.advance(5_000);
        const second = await claimOne(store, { types: ['t.run'] });
        assert.equal(second.lease.attempt, 2);
        assert.notEqual(second.lease.token, first.lease.token);
        const [r2] = await store.jobFinish({
          finishes: [{ lease: second.lease, outcome: 'failed', error, retryDelayMs: 5_000 }],
        });
        assert.equal(r2?.status, 'failed');
        const failed = await getJob(store, first.lease.jobId);
        assert.equal(failed.status, 'failed');
        assert.equal(failed.completedAt, T0 + 5_000);
        assert.deepEqual(failed.error, error);
        const attempts = await store.attemptList({ jobId: first.lease.jobId });
        assert.deepEqual(
          attempts.map((a) => [a.attempt, a.outcome, a.endedAt]),
          [
            [1, 'failed', T0],
            [2, 'failed', T0 + 5_000],
          ],
        );
        assert.match(attempts[0]?.error ?? '', /E_BOOM/);
      }));

    it('failed without retryDelayMs fails at once, even with attempts left', () =>
      withStore(async ({ store }) => {
        const { lease } = await running(store, { maxAttempts: 5 });
        const [r] = await store.jobFinish({
          finishes: [{ lease, outcome: 'failed', error: { code: 'X', message: 'no' }, retryDelayMs: null }],
        });
        assert.equal(r?.status, 'failed');
        assert.equal((await getJob(store, lease.jobId)).status, 'failed');
      }));

    it('timed_out retries like failed and is recorded as timed_out', () =>
      withStore(async ({ store }) => {
        const a = await running(store, { maxAttempts: 2 });
        const err = { code: 'timed_out', message: 'slow' };
        const [r1] = await store.jobFinish({
          finishes: [{ lease: a.lease, outcome: 'timed_out', error: err, retryDelayMs: 0 }],
        });
        assert.equal(r1?.status, 'pending');
        const b = await claimOne(store, { types: ['t.run'] });
        const [r2] = await store.jobFinish({
          finishes: [{ lease: b.lease, outcome: 'timed_out', error: err, retryDelayMs: 0 }],
        });
        assert.equal(r2?.status, 'failed');
        assert.deepEqual(
          (await store.attemptList({ jobId: a.lease.jobId })).map((x) => x.outcome),
          ['timed_out', 'timed_out'],
        );
      }));

    it('released goes back to pending now and does not charge an attempt', () =>
      withStore(async ({ store, clock }) => {
        const a = await running(store, { maxAttempts: 2 });
        clock.advance(10);
        const [r1] = await store.jobFinish({ finishes: [{ lease: a.lease, outcome: 'released' }] });
        assert.equal(r1?.status, 'pending');
        const job = await getJob(store, a.lease.jobId);
        assert.equal(job.status, 'pending');
        assert.equal(job.runAt, T0 + 10);
        const b = await claimOne(store, { types: ['t.run'] });
        assert.equal(b.lease.attempt, 2);
        const fail = { outcome: 'failed' as const, error: { code: 'E', message: 'e' }, retryDelayMs: 0 };
        // Two attempts ran, one was released: one charged, one left.
        const [r2] = await store.jobFinish({ finishes: [{ lease: b.lease, ...fail }] });
        assert.equal(r2?.status, 'pending');
        const c = await claimOne(store, { types: ['t.run'] });
        const [r3] = await store.jobFinish({ finishes: [{ lease: c.lease, ...fail }] });
        assert.equal(r3?.status, 'failed');
        assert.deepEqual(
          (await store.attemptList({ jobId: a.lease.jobId })).map((x) => x.outcome),
          ['released', 'failed', 'failed'],
        );
      }));

    it('finishing a job cancelled while running keeps it cancelled and sets completedAt', () =>
      withStore(async ({ store, clock }) => {
        await insert(store, { type: 't.run' }, { type: 't.run' });
        const [a, b] = await claim(store, { types: ['t.run'] });
        assert.ok(a && b);
        await store.jobCancel({ workspaceId: 'ws1', id: a.lease.jobId });
        await store.jobCancel({ workspaceId: 'ws1', id: b.lease.jobId });
        clock.advance(20);
        const res = await store.jobFinish({
          finishes: [
            { lease: a.lease, outcome: 'completed', result: { partial: true } },
            { lease: b.lease, outcome: 'failed', error: { code: 'E', message: 'e' }, retryDelayMs: 0 },
          ],
        });
        assert.deepEqual(
          res.map((r) => [r.applied, r.status]),
          [
            [true, 'cancelled'],
            [true, 'cancelled'],
          ],
        );
        for (const c of [a, b]) {
          const job = await getJob(store, c.lease.jobId);
          assert.equal(job.status, 'cancelled');
          assert.equal(job.completedAt, T0 + 20);
          assert.equal(job.cancelRequestedAt, T0);
          assert.deepEqual(
            (await store.attemptList({ jobId: c.lease.jobId })).map((x) => x.outcome),
            ['cancelled'],
          );
        }
        assert.deepEqual(await claim(store, { types: ['t.run'] }), []);
        assert.deepEqual(await store.jobCounts({ workspaceId: 'ws1' }), [
          { status: 'cancelled', category: 'seo', count: 2 },
        ]);
      }));

    it('a second finish or a forged lease applies nothing', () =>
      withStore(async ({ store, clock }) => {
        const { lease } = await running(store);
        await finish(store, lease);
        clock.advance(5);
        const res = await store.jobFinish({
          finishes: [
            { lease, outcome: 'failed', error: { code: 'E', message: 'e' } },
            { lease: { ...lease, token: 'forged' }, outcome: 'completed' },
          ],
        });
        assert.deepEqual(res, [
          { jobId: lease.jobId, applied: false, status: null },
          { jobId: lease.jobId, applied: false, status: null },
        ]);
        const job = await getJob(store, lease.jobId);
        assert.equal(job.status, 'completed');
        assert.equal(job.completedAt, T0);
        assert.equal((await store.attemptList({ jobId: lease.jobId })).length, 1);
      }));

    it('finishes many jobs with different outcomes in one call', () =>
      withStore(async ({ store }) => {
        await insert(store, { type: 't.m' }, { type: 't.m' }, { type: 't.m' });
        const [a, b, c] = await claim(store, { types: ['t.m'] });
        assert.ok(a && b && c);
        const res = await store.jobFinish({
          finishes: [
            { lease: a.lease, outcome: 'completed', result: 1 },
            { lease: b.lease, outcome: 'failed', error: { code: 'E', message: 'e' }, retryDelayMs: null },
            { lease: c.lease, outcome: 'released' },
          ],
        });
        assert.deepEqual(
          res.map((r) => [r.jobId, r.status]),
          [
            [a.lease.jobId, 'completed'],
            [b.lease.jobId, 'failed'],
            [c.lease.jobId, 'pending'],
          ],
        );
        assert.deepEqual(await store.jobFinish({ finishes: [] }), []);
      }));
  });
}

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
