/** Conformance: the fenced worker writes (`jobWrite`): progress, steps, items, logs and their cap, fencing. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  allEvents,
  claim,
  claimOne,
  getJob,
  insert,
  running,
  T0,
  type WithStore,
} from './store-conformance-helpers.ts';

export function jobWriteTests(withStore: WithStore): void {
  describe('jobWrite', () => {
    it('progress: total replaces, completed and failed are deltas', () =>
      withStore(async ({ store }) => {
        const c = await running(store);
        const lease = c.lease;
        assert.deepEqual(await store.jobWrite({ writes: [{ lease, progress: { total: 10 } }] }), [true]);
        await store.jobWrite({ writes: [{ lease, progress: { completed: 3, failed: 1 } }] });
        await store.jobWrite({ writes: [{ lease, progress: { completed: 2 } }] });
        await store.jobWrite({ writes: [{ lease, progress: { total: 20 } }] });
        const job = await getJob(store, lease.jobId);
        assert.deepEqual(job.progress, { total: 20, completed: 5, failed: 1 });
        const progress = (await allEvents(store, 'ws1', lease.jobId)).filter((e) => e.kind === 'progress');
        assert.equal(progress.length, 4);
        assert.deepEqual(
          progress.map((e) => [e.data.total, e.data.completed, e.data.failed]),
          [
            [10, 0, 0],
            [10, 3, 1],
            [10, 5, 1],
            [20, 5, 1],
          ],
        );
      }));

    it('steps run, complete with a result or fail, in order, and set the current step', () =>
      withStore(async ({ store, clock }) => {
        const { lease } = await running(store);
        const jobId = lease.jobId;
        await store.jobWrite({
          writes: [{ lease, steps: [{ name: 'load', status: 'running' }], currentStep: 'load' }],
        });
        assert.deepEqual(await store.stepList({ jobId }), [
          { name: 'load', status: 'running', attempt: 1, startedAt: T0, completedAt: null },
        ]);
        assert.equal((await getJob(store, jobId)).currentStep, 'load');
        clock.advance(100);
        await store.jobWrite({
          writes: [
            {
              lease,
              steps: [
                { name: 'load', status: 'completed', result: { n: 2, list: ['a'] } },
                { name: 'publish', status: 'running' },
              ],
              currentStep: 'publish',
            },
          ],
        });
        // An undefined currentStep leaves it as it is.
        await store.jobWrite({ writes: [{ lease, progress: { total: 1 } }] });
        assert.equal((await getJob(store, jobId)).currentStep, 'publish');
        clock.advance(100);
        await store.jobWrite({
          writes: [
            {
              lease,
              steps: [
                { name: 'publish', status: 'failed' },
                { name: 'quick', status: 'running' },
                { name: 'quick', status: 'completed', result: 5 },
              ],
              currentStep: null,
            },
          ],
        });
        assert.deepEqual(await store.stepList({ jobId }), [
          {
            name: 'load',
            status: 'completed',
            attempt: 1,
            startedAt: T0,
            completedAt: T0 + 100,
            result: { n: 2, list: ['a'] },
          },
          { name: 'publish', status: 'failed', attempt: 1, startedAt: T0 + 100, completedAt: T0 + 200 },
          {
            name: 'quick',
            status: 'completed',
            attempt: 1,
            startedAt: T0 + 200,
            completedAt: T0 + 200,
            result: 5,
          },
        ]);
        assert.equal((await getJob(store, jobId)).currentStep, null);
        const stepEvents = (await allEvents(store, 'ws1', jobId)).filter((e) => e.kind === 'step');
        assert.deepEqual(
          stepEvents.map((e) => `${e.data.name}:${e.data.status}`),
          [
            'load:running',
            'load:completed',
            'publish:running',
            'publish:failed',
            'quick:running',
            'quick:completed',
          ],
        );
      }));

    it('upserts items by step and key', () =>
      withStore(async ({ store, clock }) => {
        const { lease } = await running(store);
        await store.jobWrite({
          writes: [
            {
              lease,
              items: [
                { step: 's1', key: 'k1', status: 'completed', error: null },
                { step: 's1', key: 'k2', status: 'failed', error: 'boom' },
              ],
            },
          ],
        });
        clock.advance(5);
        await store.jobWrite({
          writes: [
            {
              lease,
              items: [
                { step: 's1', key: 'k2', status: 'completed', error: null },
                { step: 's2', key: 'k1', status: 'failed', error: 'x' },
                { step: 's3', key: 'k', status: 'failed', error: 'first' },
                { step: 's3', key: 'k', status: 'completed', error: null },
              ],
            },
          ],
        });
        const items = await store.itemList({ jobId: lease.jobId, limit: 100 });
        assert.deepEqual(items, [
          { step: 's1', key: 'k1', status: 'completed', error: null, attempt: 1, updatedAt: T0 },
          { step: 's1', key: 'k2', status: 'completed', error: null, attempt: 1, updatedAt: T0 + 5 },
          { step: 's2', key: 'k1', status: 'failed', error: 'x', attempt: 1, updatedAt: T0 + 5 },
          { step: 's3', key: 'k', status: 'completed', error: null, attempt: 1, updatedAt: T0 + 5 },
        ]);
      }));

    it('stores log lines in order with level, step, attempt and their own timestamps', () =>
      withStore(async ({ store }) => {
        const { lease } = await running(store);
        await store.jobWrite({
          writes: [
            {
              lease,
              logs: [
                { level: 'info', message: 'one', step: null, timestamp: T0 + 1 },
                { level: 'warn', message: 'two', step: 'load', timestamp: T0 + 2 },
              ],
            },
          ],
        });
        await store.jobWrite({
          writes: [
            { lease, logs: [{ level: 'error', message: 'three ✓ "q"', step: 'load', timestamp: T0 + 3 }] },
          ],
        });
        const logs = await store.logList({ jobId: lease.jobId, limit: 100 });
        assert.deepEqual(
          logs.map(({ id: _id, ...rest }) => rest),
          [
            { timestamp: T0 + 1, level: 'info', message: 'one', step: null, attempt: 1 },
            { timestamp: T0 + 2, level: 'warn', message: 'two', step: 'load', attempt: 1 },
            { timestamp: T0 + 3, level: 'error', message: 'three ✓ "q"', step: 'load', attempt: 1 },
          ],
        );
        assert.ok((logs[0]?.id ?? 0) < (logs[1]?.id ?? 0) && (logs[1]?.id ?? 0) < (logs[2]?.id ?? 0));
        assert.equal((await store.jobGet({ workspaceId: 'ws1', id: lease.jobId }))?.logsTotal, 3);
      }));

    it('caps log lines per job and writes one truncation marker', () =>
      withStore(
        async ({ store }) => {
          const { lease } = await running(store);
          const lines = (from: number, n: number) =>
            Array.from({ length: n }, (_, i) => ({
              level: 'info' as const,
              message: `m${from + i}`,
              step: null,
              timestamp: T0 + from + i,
            }));
          await store.jobWrite({ writes: [{ lease, logs: lines(1, 3) }] });
          await store.jobWrite({ writes: [{ lease, logs: lines(4, 4) }] });
          await store.jobWrite({ writes: [{ lease, logs: lines(8, 3) }] });
          await store.jobFinish({
            finishes: [{ lease, outcome: 'completed', writes: { logs: lines(11, 2) } }],
          });
          const logs = await store.logList({ jobId: lease.jobId, limit: 100 });
          assert.equal(logs.length, 6);
          assert.deepEqual(
            logs.slice(0, 5).map((l) => l.message),
            ['m1', 'm2', 'm3', 'm4', 'm5'],
          );
          const markers = logs.filter((l) => /limit/i.test(l.message));
          assert.equal(markers.length, 1);
          assert.equal(logs[5]?.level, 'warn');
          assert.match(logs[5]?.message ?? '', /5/);
          assert.equal((await store.jobGet({ workspaceId: 'ws1', id: lease.jobId }))?.logsTotal, 5);
        },
        { maxLogsPerJob: 5 },
      ));

    it('fences writes: a stale lease after a reap and re-claim changes nothing', () =>
      withStore(async ({ store, clock }) => {
        const first = await running(store, {}, 1_000);
        const stale = first.lease;
        const jobId = stale.jobId;
        await store.jobWrite({
          writes: [
            {
              lease: stale,
              progress: { total: 5 },
              logs: [{ level: 'info', message: 'kept', step: null, timestamp: T0 }],
              items: [{ step: 's', key: 'k1', status: 'completed', error: null }],
            },
          ],
        });
        clock.advance(1_500);
        assert.equal((await store.leaseReap({ limit: 10, retryDelayMs: () => 0 })).length, 1);
        const second = await claimOne(store, { types: ['t.run'] });
        assert.equal(second.lease.attempt, 2);
        const before = {
          job: await getJob(store, jobId),
          logs: await store.logList({ jobId, limit: 100 }),
          items: await store.itemList({ jobId, limit: 100 }),
          steps: await store.stepList({ jobId }),
          events: await allEvents(store, 'ws1', jobId),
        };
        const staleWrite = {
          lease: stale,
          progress: { total: 99, completed: 3 },
          logs: [{ level: 'error' as const, message: 'stale', step: null, timestamp: T0 + 2_000 }],
          items: [{ step: 's', key: 'k2', status: 'failed' as const, error: 'stale' }],
          steps: [{ name: 'stale', status: 'running' as const }],
          currentStep: 'stale',
        };
        clock.advance(10);
        assert.deepEqual(await store.jobWrite({ writes: [staleWrite] }), [false]);
        assert.deepEqual(
          await store.jobWrite({ writes: [{ ...staleWrite, lease: { ...second.lease, token: 'forged' } }] }),
          [false],
        );
        assert.deepEqual(await getJob(store, jobId), before.job);
        assert.deepEqual(await store.logList({ jobId, limit: 100 }), before.logs);
        assert.deepEqual(await store.itemList({ jobId, limit: 100 }), before.items);
        assert.deepEqual(await store.stepList({ jobId }), before.steps);
        assert.deepEqual(await allEvents(store, 'ws1', jobId), before.events);
        // In one batch, the stale write is refused and the live one applied.
        assert.deepEqual(
          await store.jobWrite({
            writes: [staleWrite, { lease: second.lease, progress: { completed: 1 } }],
          }),
          [false, true],
        );
        assert.deepEqual((await getJob(store, jobId)).progress, { total: 5, completed: 1, failed: 0 });
        const [fin] = await store.jobFinish({ finishes: [{ lease: stale, outcome: 'completed' }] });
        assert.deepEqual(fin, { jobId, applied: false, status: null });
        assert.equal((await getJob(store, jobId)).status, 'running');
        // Once finished, the live lease is spent too.
        await store.jobFinish({ finishes: [{ lease: second.lease, outcome: 'completed' }] });
        assert.deepEqual(
          await store.jobWrite({ writes: [{ lease: second.lease, progress: { completed: 1 } }] }),
          [false],
        );
        assert.deepEqual((await getJob(store, jobId)).progress, { total: 5, completed: 1, failed: 0 });
      }));

    it('applies writes of many jobs in one call', () =>
      withStore(async ({ store }) => {
        await insert(store, { type: 't.m' }, { type: 't.m' }, { type: 't.m' });
        const cs = await claim(store, { types: ['t.m'] });
        assert.equal(cs.length, 3);
        const ok = await store.jobWrite({
          writes: cs.map((c, i) => ({
            lease: c.lease,
            progress: { total: 10 * (i + 1), completed: i },
            logs: [{ level: 'info' as const, message: `job ${i}`, step: null, timestamp: T0 }],
          })),
        });
        assert.deepEqual(ok, [true, true, true]);
        for (const [i, c] of cs.entries()) {
          assert.deepEqual((await getJob(store, c.lease.jobId)).progress, {
            total: 10 * (i + 1),
            completed: i,
            failed: 0,
          });
          const logs = await store.logList({ jobId: c.lease.jobId, limit: 10 });
          assert.deepEqual(
            logs.map((l) => l.message),
            [`job ${i}`],
          );
        }
        assert.deepEqual(await store.jobWrite({ writes: [] }), []);
      }));
  });
}
