/** Conformance: insert, claim, heartbeat and the fenced worker writes (`jobWrite`). */
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
          error: null,
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
