/** Conformance: job reads (get, list filters and keyset pages, workspace isolation), counts and attempts. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toJobJson } from '../src/core/job-json.ts';
import type { JobStatus } from '../src/core/status.ts';
import type { Store } from '../src/store/types.ts';
import {
  claim,
  claimOne,
  finish,
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

    it('lists every field exactly as jobGet reads it', () =>
      withStore(async ({ store }) => {
        const name = 'Ünïcødé "quoted" \\ back\nslash \u0001 😀';
        const failed = await running(store, { name });
        await store.jobFinish({
          finishes: [
            {
              lease: failed.lease,
              outcome: 'failed',
              error: { code: 'boom', message: 'it "broke"\n…' },
              retryDelayMs: null,
            },
          ],
        });
        const live = await running(store, { name: 'plain' });
        await store.jobWrite({
          writes: [
            { lease: live.lease, progress: { total: 3, completed: 1, failed: 1 }, currentStep: 'step "two"' },
          ],
        });
        await insert(store, {});
        const { jobs } = await store.jobList({ workspaceId: 'ws1', limit: 10 });
        assert.equal(jobs.length, 3);
        for (const listed of jobs) {
          const got = await store.jobGet({ workspaceId: 'ws1', id: listed.id });
          assert.deepEqual(listed, got?.job);
        }
        const asJson = await store.jobListJson({ workspaceId: 'ws1', limit: 10 });
        assert.deepEqual(JSON.parse(asJson.json), jobs.map(toJobJson));
        const [, listedLive, listedFailed] = jobs;
        assert.equal(listedFailed?.name, name);
        assert.deepEqual(listedFailed?.error, { code: 'boom', message: 'it "broke"\n…' });
        assert.equal(listedLive?.currentStep, 'step "two"');
        assert.deepEqual(listedLive?.progress, { total: 3, completed: 1, failed: 1 });
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
