/** Conformance: the API's reads (jobs, counts, attempts, logs, items, events) and their scoping. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Job } from '../src/core/job.ts';
import type { JobStatus } from '../src/core/status.ts';
import type { Store } from '../src/store/types.ts';
import {
  allEvents,
  assertIncreasing,
  claim,
  claimOne,
  eventually,
  finish,
  getJob,
  insert,
  listAll,
  running,
  T0,
  type WithStore,
} from './store-conformance-helpers.ts';

/** Jobs in every status across categories and types; returns them in insertion order. */
async function mixedJobs(
  store: Store,
): Promise<{ id: string; status: JobStatus; category: string; type: string }[]> {
  const shapes = [
    ['seo', 't.a'],
    ['ai', 't.b'],
    ['sync', 't.c'],
    ['seo', 't.b'],
    ['ai', 't.a'],
  ] as const;
  const targets: JobStatus[] = ['pending', 'running', 'completed', 'failed', 'cancelled'];
  const out: { id: string; status: JobStatus; category: string; type: string }[] = [];
  for (let i = 0; i < 25; i++) {
    const [category, type] = shapes[i % shapes.length] as readonly [string, string];
    const status = targets[Math.floor(i / 5) % targets.length] as JobStatus;
    const [id] = await insert(store, { category, type: `${type}.${status}`, maxAttempts: 1, name: `n${i}` });
    out.push({ id: id as string, status, category, type: `${type}.${status}` });
  }
  for (const j of out) {
    if (j.status === 'pending') continue;
    if (j.status === 'cancelled') {
      await store.jobCancel({ workspaceId: 'ws1', id: j.id });
      continue;
    }
    const c = await claimOne(store, { types: [j.type] });
    if (j.status === 'completed') await finish(store, c.lease, 'completed');
    if (j.status === 'failed') await finish(store, c.lease, 'failed');
  }
  return out;
}

export function jobReadTests(withStore: WithStore): void {
  describe('jobGet and jobList', () => {
    it('jobGet is scoped to the workspace', () =>
      withStore(async ({ store }) => {
        const [id] = await insert(store, {});
        assert.ok(await store.jobGet({ workspaceId: 'ws1', id: id as string }));
        assert.equal(await store.jobGet({ workspaceId: 'ws2', id: id as string }), null);
        assert.equal(await store.jobGet({ workspaceId: 'ws1', id: 'missing' }), null);
      }));

    it('lists newest first and walks pages without duplicates or gaps', () =>
      withStore(async ({ store, clock }) => {
        const ids: string[] = [];
        for (let batch = 0; batch < 3; batch++) {
          ids.push(...(await insert(store, ...Array.from({ length: 8 }, () => ({})))));
          clock.advance(1);
        }
        const all = (await listAll(store, { workspaceId: 'ws1' }, 5)).map((j) => j.id);
        assert.deepEqual(all, [...ids].reverse());
        const exact = await store.jobList({ workspaceId: 'ws1', limit: 24 });
        assert.equal(exact.next, null);
        assert.deepEqual(
          exact.jobs.map((j) => j.id),
          all,
        );
        const short = await store.jobList({ workspaceId: 'ws1', limit: 23 });
        assert.notEqual(short.next, null);
        const rest = await store.jobList({ workspaceId: 'ws1', limit: 23, before: short.next as number });
        assert.deepEqual(
          rest.jobs.map((j) => j.id),
          [all[23]],
        );
        assert.equal(rest.next, null);
      }));

    it('filters by status, category and type, with one or several values each', () =>
      withStore(async ({ store }) => {
        const jobs = await mixedJobs(store);
        const newestFirst = [...jobs].reverse();
        const cases: { statuses?: JobStatus[]; categories?: string[]; types?: string[] }[] = [
          {},
          { statuses: ['pending'] },
          { statuses: ['pending', 'completed'] },
          { categories: ['seo'] },
          { categories: ['seo', 'ai'], statuses: ['running', 'failed'] },
          { types: ['t.b.pending'] },
          { types: ['t.a.running', 't.c.cancelled', 't.b.completed'] },
          { types: ['t.a.pending', 't.b.pending'], statuses: ['pending'] },
          { categories: ['ai'], types: ['t.b.failed', 't.a.failed', 't.b.pending'] },
          { statuses: ['completed'], categories: ['sync'] },
          { statuses: ['failed'], types: ['t.a.pending'] },
        ];
        for (const c of cases) {
          const want = newestFirst
            .filter((j) => !c.statuses || c.statuses.includes(j.status))
            .filter((j) => !c.categories || c.categories.includes(j.category))
            .filter((j) => !c.types || c.types.includes(j.type))
            .map((j) => j.id);
          const got = await listAll(store, { workspaceId: 'ws1', ...c }, 3);
          assert.deepEqual(
            got.map((j) => j.id),
            want,
            `filter ${JSON.stringify(c)}`,
          );
          for (const j of got) {
            assert.equal(j.status, jobs.find((x) => x.id === j.id)?.status);
          }
        }
      }));

    it('isolates workspaces', () =>
      withStore(async ({ store }) => {
        const mine = await insert(store, {}, {});
        const theirs = await insert(store, { workspaceId: 'ws2' });
        assert.deepEqual(
          (await listAll(store, { workspaceId: 'ws1' })).map((j) => j.id).sort(),
          [...mine].sort(),
        );
        assert.deepEqual(
          (await listAll(store, { workspaceId: 'ws2' })).map((j) => j.id),
          theirs,
        );
        assert.deepEqual((await store.jobList({ workspaceId: 'ws3', limit: 10 })).jobs, []);
        assert.deepEqual(await store.jobCounts({ workspaceId: 'ws2' }), [
          { status: 'pending', category: 'seo', count: 1 },
        ]);
      }));
  });

  describe('jobCounts', () => {
    it('equals a GROUP BY over the jobs after a mixed workload', () =>
      withStore(async ({ store, clock }) => {
        const cats = ['seo', 'ai', 'sync'];
        for (const ws of ['ws1', 'ws2']) {
          await insert(
            store,
            ...Array.from({ length: 24 }, (_, i) => ({
              workspaceId: ws,
              category: cats[i % 3] as string,
              type: 't.mix',
              maxAttempts: 2,
            })),
          );
        }
        const claimed = await claim(store, { types: ['t.mix'], limit: 30, leaseMs: 1_000 });
        const ws1Pending = (await store.jobList({ workspaceId: 'ws1', statuses: ['pending'], limit: 100 }))
          .jobs;
        for (const j of ws1Pending.slice(0, 3)) await store.jobCancel({ workspaceId: 'ws1', id: j.id });
        const outcomes = ['completed', 'failed-retry', 'failed', 'released', 'cancel', 'keep'] as const;
        const finishes = [];
        for (const [i, c] of claimed.entries()) {
          const what = outcomes[i % outcomes.length];
          if (what === 'cancel') await store.jobCancel({ workspaceId: c.job.workspaceId, id: c.lease.jobId });
          else if (what === 'completed') finishes.push({ lease: c.lease, outcome: 'completed' as const });
          else if (what === 'failed-retry')
            finishes.push({ lease: c.lease, outcome: 'failed' as const, retryDelayMs: 10 });
          else if (what === 'failed') finishes.push({ lease: c.lease, outcome: 'failed' as const });
          else if (what === 'released') finishes.push({ lease: c.lease, outcome: 'released' as const });
        }
        await store.jobFinish({ finishes });
        clock.advance(2_000); // the 'keep' and 'cancel' leases expire
        await store.leaseReap({ limit: 100, retryDelayMs: () => 0 });
        await claim(store, { types: ['t.mix'], limit: 5 });
        await store.jobPurge({ before: T0 + 1, limit: 4 });
        for (const ws of ['ws1', 'ws2']) {
          const truth = new Map<string, number>();
          for (const j of await listAll(store, { workspaceId: ws }, 9)) {
            const key = `${j.category}|${j.status}`;
            truth.set(key, (truth.get(key) ?? 0) + 1);
          }
          const want = [...truth.entries()]
            .map(([k, count]) => {
              const [category, status] = k.split('|') as [string, JobStatus];
              return { status, category, count };
            })
            .sort((a, b) => (a.category + a.status < b.category + b.status ? -1 : 1));
          const got = [...(await store.jobCounts({ workspaceId: ws }))].sort((a, b) =>
            a.category + a.status < b.category + b.status ? -1 : 1,
          );
          assert.deepEqual(got, want, `counts of ${ws}`);
          assert.ok(got.length >= 4, 'the workload spreads over several statuses');
        }
      }));
  });

  describe('attemptList', () => {
    it('lists finished attempts and the one in flight', () =>
      withStore(async ({ store, clock }) => {
        const a = await running(store, { maxAttempts: 3 });
        clock.advance(3);
        await store.jobFinish({
          finishes: [
            { lease: a.lease, outcome: 'failed', error: { code: 'E', message: 'm' }, retryDelayMs: 0 },
          ],
        });
        const b = await claimOne(store, { types: ['t.run'], workerId: 'w2' });
        assert.deepEqual(await store.attemptList({ jobId: a.lease.jobId }), [
          { attempt: 1, workerId: 'w1', startedAt: T0, endedAt: T0 + 3, outcome: 'failed', error: 'E: m' },
          { attempt: 2, workerId: 'w2', startedAt: T0 + 3, endedAt: null, outcome: null, error: null },
        ]);
        clock.advance(4);
        await finish(store, b.lease);
        const done = await store.attemptList({ jobId: a.lease.jobId });
        assert.deepEqual(done[1], {
          attempt: 2,
          workerId: 'w2',
          startedAt: T0 + 3,
          endedAt: T0 + 7,
          outcome: 'completed',
          error: null,
        });
        assert.deepEqual(await store.attemptList({ jobId: 'missing' }), []);
      }));
  });
}

export function detailReadTests(withStore: WithStore): void {
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

  describe('eventList and eventLatestId', () => {
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

        assert.equal(await store.eventLatestId({ workspaceId: 'ws1', jobId }), perJob.at(-1)?.id);
        assert.equal(await store.eventLatestId({ workspaceId: 'ws1' }), ws1.at(-1)?.id);
        assert.equal(await store.eventLatestId({ workspaceId: 'ws2', jobId }), 0);
        assert.equal(await store.eventLatestId({ workspaceId: 'ws9' }), 0);
        // A log line moves the job's stream but not the workspace's.
        const c = await running(store);
        const wsBefore = await store.eventLatestId({ workspaceId: 'ws1' });
        await store.jobWrite({
          writes: [{ lease: c.lease, logs: [{ level: 'info', message: 'x', step: null, timestamp: T0 }] }],
        });
        assert.equal(await store.eventLatestId({ workspaceId: 'ws1' }), wsBefore);
        const cLatest = await store.eventLatestId({ workspaceId: 'ws1', jobId: c.lease.jobId });
        assert.ok(cLatest > wsBefore);
        assert.ok(cLatest > (ws2.at(-1)?.id ?? 0), 'ids increase across the whole store');
      }));
  });
}

export function miscTests(withStore: WithStore): void {
  describe('workspaces and API keys', () => {
    it('workspaceEnsure creates a workspace once', () =>
      withStore(async ({ store }) => {
        assert.deepEqual(await store.workspaceEnsure({ name: 'acme' }), {
          id: 'acme',
          name: 'acme',
          created: true,
        });
        assert.deepEqual(await store.workspaceEnsure({ name: 'acme' }), {
          id: 'acme',
          name: 'acme',
          created: false,
        });
        assert.equal((await store.workspaceEnsure({ name: 'other' })).created, true);
      }));

    it('creates, finds, lists and revokes API keys', () =>
      withStore(async ({ store, clock }) => {
        const k1 = await store.apiKeyCreate({
          workspaceId: 'ws1',
          name: 'ci',
          scope: 'read',
          hash: 'h1',
          prefix: 'lr_ab',
        });
        assert.deepEqual(
          { ...k1, id: 'x' },
          {
            id: 'x',
            workspaceId: 'ws1',
            workspaceName: 'ws1',
            name: 'ci',
            scope: 'read',
            prefix: 'lr_ab',
            createdAt: T0,
            revokedAt: null,
            lastUsedAt: null,
          },
        );
        assert.ok(k1.id.length > 0);
        clock.advance(1);
        const k2 = await store.apiKeyCreate({
          workspaceId: 'ws1',
          name: 'ops',
          scope: 'admin',
          hash: 'h2',
          prefix: 'lr_cd',
        });
        clock.advance(1);
        const k3 = await store.apiKeyCreate({
          workspaceId: 'ws0',
          name: 'x',
          scope: 'write',
          hash: 'h3',
          prefix: 'lr_ef',
        });
        assert.notEqual(k1.id, k2.id);
        await assert.rejects(
          store.apiKeyCreate({ workspaceId: 'ws1', name: 'dup', scope: 'read', hash: 'h1', prefix: 'lr_zz' }),
        );
        assert.deepEqual(await store.apiKeyFindByHash({ hash: 'h2' }), k2);
        assert.equal(await store.apiKeyFindByHash({ hash: 'nope' }), null);
        assert.deepEqual(await store.apiKeyList({ workspaceId: 'ws1' }), [k1, k2]);
        assert.deepEqual(await store.apiKeyList({}), [k3, k1, k2]);
        clock.advance(1);
        assert.equal(await store.apiKeyRevoke({ id: k1.id, workspaceId: 'ws0' }), false);
        assert.equal(await store.apiKeyRevoke({ id: k1.id, workspaceId: 'ws1' }), true);
        assert.equal(await store.apiKeyRevoke({ id: k1.id, workspaceId: 'ws1' }), false);
        assert.equal(await store.apiKeyFindByHash({ hash: 'h1' }), null);
        assert.equal((await store.apiKeyList({ workspaceId: 'ws1' }))[0]?.revokedAt, T0 + 3);
        assert.equal(await store.apiKeyRevoke({ id: k3.id }), true);
        assert.equal(await store.apiKeyRevoke({ id: 'missing' }), false);
      }));
  });

  describe('store basics', () => {
    it('follows the injected clock, migrates idempotently, pings and counts write transactions', () =>
      withStore(async ({ store, clock }) => {
        assert.equal(await store.clockNow(), T0);
        clock.advance(5);
        assert.equal(await store.clockNow(), T0 + 5);
        await store.ping();
        assert.deepEqual((await store.migrate({ dryRun: true })).pending, []);
        assert.deepEqual(await store.migrate(), { applied: [], pending: [] });
        const before = store.statsRead().writeTransactions;
        await insert(store, {}, {});
        const afterInsert = store.statsRead().writeTransactions;
        assert.ok(afterInsert > before, 'an insert is a write transaction');
        await store.jobList({ workspaceId: 'ws1', limit: 10 });
        await getJob(store, (await store.jobList({ workspaceId: 'ws1', limit: 1 })).jobs[0]?.id as string);
        assert.equal(store.statsRead().writeTransactions, afterInsert, 'reads are not write transactions');
        await claim(store);
        assert.ok(store.statsRead().writeTransactions > afterInsert);
      }));

    it('runs on its own clock when none is injected', () =>
      withStore(
        async ({ store }) => {
          const now = await store.clockNow();
          assert.ok(Math.abs(now - Date.now()) < 5_000, `store clock ${now} is far from ${Date.now()}`);
          const [id] = await insert(store, {});
          const job: Job = await getJob(store, id as string);
          assert.ok(Math.abs(job.createdAt - now) < 5_000);
          assert.equal(job.runAt, job.createdAt);
          const c = await claimOne(store, { leaseMs: 60_000 });
          assert.ok(Math.abs(c.leaseExpiresAt - (await store.clockNow()) - 60_000) < 5_000);
          assert.deepEqual(await store.leaseReap({ limit: 10, retryDelayMs: () => 0 }), []);
          const [later] = await insert(store, { runAt: now + 3_600_000 });
          assert.deepEqual(await claim(store), []);
          assert.equal((await getJob(store, later as string)).status, 'pending');
        },
        { ownClock: true },
      ));

    it('announces new work, cancels and events through notifications', () =>
      withStore(async ({ store }) => {
        const n = store.notifications;
        if (!n) return; // a store may offer none; the engine then polls
        let available = 0;
        let events = 0;
        const cancelled: string[] = [];
        const offs = [
          n.jobsAvailable(() => {
            available++;
          }),
          n.eventsAdded(() => {
            events++;
          }),
          n.jobCancelled((id) => {
            cancelled.push(id);
          }),
        ];
        const requested: string[] = [];
        await eventually(
          () => available > 0 && events > 0,
          async () => {
            await insert(store, { type: 't.n' });
          },
          'jobsAvailable and eventsAdded after an insert',
        );
        await eventually(
          () => cancelled.length > 0,
          async () => {
            const c = await running(store, { type: 't.c' });
            requested.push(c.lease.jobId);
            await store.jobCancel({ workspaceId: 'ws1', id: c.lease.jobId });
          },
          'jobCancelled after cancelling a running job',
        );
        assert.ok(cancelled.every((id) => requested.includes(id)));
        for (const off of offs) off();
      }));
  });
}
