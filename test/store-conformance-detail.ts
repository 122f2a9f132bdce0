/** Conformance: log, item and event reads with their cursors and filters. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toJobDetailJson } from '../src/core/job-json.ts';
import type { Store } from '../src/store/types.ts';
import {
  allEvents,
  assertIncreasing,
  finish,
  insert,
  running,
  T0,
  type WithStore,
} from './store-conformance-helpers.ts';

/** `jobDetailJson` must write the bytes of `JSON.stringify(toJobDetailJson(jobDetailGet(…)))`, null included. */
export async function assertDetailJson(
  store: Store,
  p: { workspaceId: string; id: string; logLimit: number },
) {
  const detail = await store.jobDetailGet(p);
  const json = await store.jobDetailJson(p);
  if (detail === null) return assert.equal(json, null);
  assert.ok(json !== null, 'jobDetailJson finds the job jobDetailGet finds');
  assert.equal(json, JSON.stringify(toJobDetailJson(detail)));
}

export function detailReadTests(withStore: WithStore): void {
  describe('jobDetailGet', () => {
    it('returns the job with its newest logs, steps and attempts, as the separate reads do', () =>
      withStore(async ({ store, clock }) => {
        const first = await running(store, {}, 1_000);
        const jobId = first.lease.jobId;
        const logs = Array.from({ length: 6 }, (_, i) => ({
          level: 'info' as const,
          message: `line ${i}`,
          step: null,
          timestamp: T0 + i,
        }));
        await store.jobWrite({
          writes: [{ lease: first.lease, logs, steps: [{ name: 'load', status: 'running' }] }],
        });
        await store.jobWrite({
          writes: [{ lease: first.lease, steps: [{ name: 'load', status: 'completed', result: { n: 1 } }] }],
        });
        clock.advance(1_500);
        assert.equal((await store.leaseReap({ limit: 10, retryDelayMs: () => 0 })).length, 1);
        const [second] = await store.jobClaim({
          workerId: 'w2',
          limit: 1,
          leaseMs: 30_000,
          types: ['t.run'],
        });
        assert.ok(second);
        await store.jobWrite({
          writes: [{ lease: second.lease, steps: [{ name: 'publish', status: 'running' }] }],
        });

        const expected = async (logLimit: number) => {
          const found = await store.jobGet({ workspaceId: 'ws1', id: jobId });
          assert.ok(found);
          return {
            ...found.job,
            input: found.input,
            result: found.result,
            logs: await store.logList({ jobId, limit: logLimit, newest: true }),
            logsTotal: found.logsTotal,
            steps: await store.stepList({ jobId }),
            attempts: await store.attemptList({ jobId }),
          };
        };
        const detail = await store.jobDetailGet({ workspaceId: 'ws1', id: jobId, logLimit: 4 });
        assert.deepEqual(detail, await expected(4));
        await assertDetailJson(store, { workspaceId: 'ws1', id: jobId, logLimit: 4 });
        // The reaper's line about the crashed attempt is the newest.
        assert.deepEqual(
          detail?.logs.map((l) => l.message.slice(0, 17)),
          ['line 3', 'line 4', 'line 5', 'attempt 1 crashed'],
        );
        assert.equal(detail?.logsTotal, 7);
        assert.deepEqual(
          detail?.steps.map((s) => [s.name, s.status, s.result]),
          [
            ['load', 'completed', { n: 1 }],
            ['publish', 'running', undefined],
          ],
        );
        assert.deepEqual(
          detail?.attempts.map((a) => [a.attempt, a.outcome]),
          [
            [1, 'crashed'],
            [2, null],
          ],
        );

        await finish(store, second.lease);
        const done = await store.jobDetailGet({ workspaceId: 'ws1', id: jobId, logLimit: 1_000 });
        assert.deepEqual(done, await expected(1_000));
        await assertDetailJson(store, { workspaceId: 'ws1', id: jobId, logLimit: 1_000 });
        await assertDetailJson(store, { workspaceId: 'ws2', id: jobId, logLimit: 10 });
        assert.deepEqual(
          done?.attempts.map((a) => [a.attempt, a.outcome]),
          [
            [1, 'crashed'],
            [2, 'completed'],
          ],
        );
        assert.equal(await store.jobDetailGet({ workspaceId: 'ws2', id: jobId, logLimit: 10 }), null);
        assert.equal(
          await store.jobDetailGet({
            workspaceId: 'ws1',
            id: '00000000-0000-7000-8000-000000000000',
            logLimit: 10,
          }),
          null,
        );
      }));

    it('writes the detail as JSON exactly as toJobDetailJson does, for every shape of job', () =>
      withStore(async ({ store }) => {
        const odd = 'Ünïcødé "quoted" \\ back\nslash \u0001 \u2028 😀 </script>';
        const [pending] = await insert(store, {
          name: odd,
          input: { nested: { list: [1, 2.5, null, 'x'] }, odd },
        });
        const failed = await running(store, { name: 'will fail', input: null });
        await store.jobWrite({
          writes: [
            {
              lease: failed.lease,
              logs: [{ level: 'error', message: odd, step: 'load', timestamp: T0 }],
              steps: [{ name: 'load', status: 'failed' }],
              progress: { total: 3, completed: 1, failed: 2 },
              currentStep: odd,
            },
          ],
        });
        await store.jobFinish({
          finishes: [
            {
              lease: failed.lease,
              outcome: 'failed',
              error: { code: 'boom', message: odd },
              retryDelayMs: null,
            },
          ],
        });
        const done = await running(store, {});
        await store.jobFinish({
          finishes: [{ lease: done.lease, outcome: 'completed', result: { rows: [{ id: 1, ok: true }] } }],
        });
        const live = await running(store, {});
        for (const id of [pending as string, failed.lease.jobId, done.lease.jobId, live.lease.jobId]) {
          for (const logLimit of [1, 1_000])
            await assertDetailJson(store, { workspaceId: 'ws1', id, logLimit });
        }
        await assertDetailJson(store, { workspaceId: 'ws1', id: 'missing', logLimit: 10 });
      }));
  });

  describe('logList', () => {
    it('pages with after and limit, filters by level, and returns the newest lines', () =>
      withStore(async ({ store }) => {
        const { lease } = await running(store);
        const levels = ['info', 'warn', 'error'] as const;
        const logs = Array.from({ length: 10 }, (_, i) => ({
          level: levels[i % 3] as (typeof levels)[number],
          message: `line ${i}`,
          step: null,
          timestamp: T0 + i,
        }));
        await store.jobWrite({ writes: [{ lease, logs }] });
        const other = await running(store);
        await store.jobWrite({
          writes: [
            { lease: other.lease, logs: [{ level: 'error', message: 'other', step: null, timestamp: T0 }] },
          ],
        });
        const jobId = lease.jobId;
        const msgs = (xs: { message: string }[]) => xs.map((x) => x.message);
        const first = await store.logList({ jobId, limit: 3 });
        assert.deepEqual(msgs(first), ['line 0', 'line 1', 'line 2']);
        const next = await store.logList({ jobId, limit: 3, after: first.at(-1)?.id as number });
        assert.deepEqual(msgs(next), ['line 3', 'line 4', 'line 5']);
        assert.deepEqual(msgs(await store.logList({ jobId, limit: 100, level: ['error'] })), [
          'line 2',
          'line 5',
          'line 8',
        ]);
        assert.deepEqual(
          msgs(await store.logList({ jobId, limit: 100, level: ['warn', 'error'] })).length,
          6,
        );
        assert.deepEqual(msgs(await store.logList({ jobId, limit: 4, newest: true })), [
          'line 6',
          'line 7',
          'line 8',
          'line 9',
        ]);
        assert.deepEqual(msgs(await store.logList({ jobId, limit: 2, newest: true, level: ['info'] })), [
          'line 6',
          'line 9',
        ]);
        assert.deepEqual(
          await store.logList({
            jobId,
            limit: 10,
            after: (await store.logList({ jobId, limit: 100 })).at(-1)?.id,
          }),
          [],
        );
      }));
  });

  describe('itemList', () => {
    it('filters by step and status and pages with a step NUL key cursor', () =>
      withStore(async ({ store }) => {
        const { lease } = await running(store);
        const keys = ['k1', 'K2', 'k10', 'a', 'Z', 'k2'];
        const items = ['b', 'a'].flatMap((step) =>
          keys.map((key, i) => ({
            step,
            key,
            status: (i % 3 === 0 ? 'failed' : 'completed') as 'failed' | 'completed',
            error: i % 3 === 0 ? `bad ${key}` : null,
          })),
        );
        await store.jobWrite({ writes: [{ lease, items }] });
        // Binary order by (step, key), as the cursor compares.
        const want = [...items]
          .sort((x, y) => (x.step === y.step ? (x.key < y.key ? -1 : 1) : x.step < y.step ? -1 : 1))
          .map((x) => `${x.step}/${x.key}`);
        const walked: string[] = [];
        let after: string | undefined;
        for (let guard = 0; guard < 20; guard++) {
          const page = await store.itemList({ jobId: lease.jobId, limit: 5, ...(after ? { after } : {}) });
          walked.push(...page.map((x) => `${x.step}/${x.key}`));
          const last = page.at(-1);
          if (page.length < 5 || !last) break;
          after = `${last.step}\u0000${last.key}`;
        }
        assert.deepEqual(walked, want);
        const failed = await store.itemList({ jobId: lease.jobId, status: 'failed', limit: 100 });
        assert.deepEqual(
          failed.map((x) => `${x.step}/${x.key}`),
          want.filter((w) => ['k1', 'a'].includes(w.split('/')[1] as string)),
        );
        assert.ok(failed.every((x) => x.error?.startsWith('bad ')));
        const bOnly = await store.itemList({ jobId: lease.jobId, step: 'b', limit: 100 });
        assert.deepEqual(
          bOnly.map((x) => x.key),
          [...keys].sort(),
        );
        const bDone = await store.itemList({ jobId: lease.jobId, step: 'b', status: 'completed', limit: 2 });
        assert.deepEqual(
          bDone.map((x) => x.key),
          ['K2', 'Z'],
        );
        const afterB = await store.itemList({
          jobId: lease.jobId,
          step: 'b',
          after: 'b\u0000k10',
          limit: 10,
        });
        assert.deepEqual(
          afterB.map((x) => x.key),
          ['k2'],
        );
      }));
  });

  describe('eventList and eventNewestId', () => {
    it('streams per job with logs and per workspace without them, ids increasing', () =>
      withStore(async ({ store, clock }) => {
        const a = await running(store);
        const jobId = a.lease.jobId;
        clock.advance(1);
        await store.jobWrite({
          writes: [
            {
              lease: a.lease,
              steps: [{ name: 'load', status: 'running' }],
              logs: [{ level: 'warn', message: 'hello', step: 'load', timestamp: T0 + 1 }],
              progress: { total: 2, completed: 1 },
            },
          ],
        });
        clock.advance(1);
        await finish(store, a.lease);
        const elsewhere = await running(store, { workspaceId: 'ws2' });
        await store.jobWrite({ writes: [{ lease: elsewhere.lease, progress: { total: 1 } }] });

        const perJob = await allEvents(store, 'ws1', jobId);
        assertIncreasing(
          perJob.map((e) => e.id),
          'event ids',
        );
        assert.deepEqual(
          perJob.map((e) => e.kind),
          ['status', 'status', 'step', 'log', 'progress', 'status'],
        );
        assert.ok(perJob.every((e) => e.jobId === jobId && e.workspaceId === 'ws1'));
        assert.deepEqual(
          perJob.filter((e) => e.kind === 'status').map((e) => e.data.status),
          ['pending', 'running', 'completed'],
        );
        const log = perJob.find((e) => e.kind === 'log');
        assert.equal(log?.data.level, 'warn');
        assert.equal(log?.data.message, 'hello');
        assert.equal(log?.data.step, 'load');
        assert.equal(log?.data.attempt, 1);
        assert.equal(log?.timestamp, T0 + 1);
        const progress = perJob.find((e) => e.kind === 'progress');
        assert.deepEqual([progress?.data.total, progress?.data.completed, progress?.data.failed], [2, 1, 0]);

        const ws1 = await allEvents(store, 'ws1');
        assert.ok(ws1.every((e) => e.kind !== 'log' && e.workspaceId === 'ws1'));
        assert.deepEqual(
          ws1.map((e) => e.id),
          perJob.filter((e) => e.kind !== 'log').map((e) => e.id),
        );
        const ws2 = await allEvents(store, 'ws2');
        assert.deepEqual(
          ws2.map((e) => e.kind),
          ['status', 'status', 'progress'],
        );
        assert.deepEqual(await allEvents(store, 'ws2', jobId), []);

        const second = perJob[1]?.id as number;
        const tail = await store.eventList({ workspaceId: 'ws1', jobId, after: second, limit: 2 });
        assert.deepEqual(
          tail.map((e) => e.id),
          perJob.slice(2, 4).map((e) => e.id),
        );
        const onlyProgress = await store.eventList({
          workspaceId: 'ws1',
          jobId,
          after: 0,
          limit: 10,
          kinds: ['progress'],
        });
        assert.deepEqual(
          onlyProgress.map((e) => e.kind),
          ['progress'],
        );
        const wsStatus = await store.eventList({
          workspaceId: 'ws1',
          after: 0,
          limit: 10,
          kinds: ['status', 'step'],
        });
        assert.deepEqual(
          wsStatus.map((e) => e.kind),
          ['status', 'status', 'step', 'status'],
        );

        assert.equal(await store.eventNewestId({ workspaceId: 'ws1', jobId }), perJob.at(-1)?.id);
        assert.equal(await store.eventNewestId({ workspaceId: 'ws1' }), ws1.at(-1)?.id);
        assert.equal(await store.eventNewestId({ workspaceId: 'ws2', jobId }), 0);
        assert.equal(await store.eventNewestId({ workspaceId: 'ws9' }), 0);
        // A log line moves the job's stream but not the workspace's.
        const c = await running(store);
        const wsBefore = await store.eventNewestId({ workspaceId: 'ws1' });
        await store.jobWrite({
          writes: [{ lease: c.lease, logs: [{ level: 'info', message: 'x', step: null, timestamp: T0 }] }],
        });
        assert.equal(await store.eventNewestId({ workspaceId: 'ws1' }), wsBefore);
        const cLatest = await store.eventNewestId({ workspaceId: 'ws1', jobId: c.lease.jobId });
        assert.ok(cLatest > wsBefore);
        assert.ok(cLatest > (ws2.at(-1)?.id ?? 0), 'ids increase across the whole store');
      }));
  });
}
