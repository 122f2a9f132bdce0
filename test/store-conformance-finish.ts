/** Conformance: finishing attempts (completed, retries, timed_out, released, cancelled meanwhile, stale leases). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  allEvents,
  claim,
  claimOne,
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
