/**
 * Conformance: what the dashboard stores and reads: sessions, the throughput time series, and the
 * list's name-prefix and input-field filters.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toJobJson } from '../src/core/job-json.ts';
import { INPUT_SCAN_LIMIT } from '../src/store/input-filter.ts';
import type { JobListParams, Store } from '../src/store/types.ts';
import {
  claimOne,
  expectError,
  finish,
  insert,
  listAll,
  running,
  T0,
  type WithStore,
} from './store-conformance-helpers.ts';

const IDLE = 12 * 3_600_000;

async function key(store: Store, scope: 'read' | 'write' | 'admin' = 'write', workspaceId = 'ws1') {
  return store.apiKeyCreate({
    workspaceId,
    name: `${scope} key`,
    scope,
    hash: `key-${scope}-${workspaceId}`,
    prefix: 'lr_x',
  });
}

export function sessionTests(withStore: WithStore): void {
  describe('sessions', () => {
    it('creates a session for a key and finds it by hash with the key’s name and scope', () =>
      withStore(async ({ store, clock }) => {
        const k = await key(store, 'admin');
        clock.advance(7);
        const made = await store.sessionCreate({ workspaceId: 'ws1', keyId: k.id, hash: 's1' });
        assert.ok(made.id.length > 0);
        assert.deepEqual(
          { ...made, id: 'x' },
          {
            id: 'x',
            workspaceId: 'ws1',
            keyId: k.id,
            keyName: 'admin key',
            scope: 'admin',
            createdAt: T0 + 7,
            lastSeenAt: T0 + 7,
          },
        );
        assert.deepEqual(await store.sessionFind({ hash: 's1', idleMs: IDLE }), made);
        assert.equal(await store.sessionFind({ hash: 'unknown', idleMs: IDLE }), null);
        const other = await store.sessionCreate({ workspaceId: 'ws1', keyId: k.id, hash: 's2' });
        assert.notEqual(other.id, made.id);
      }));

    it('refuses a revoked key, an unknown key and another workspace’s key', () =>
      withStore(async ({ store }) => {
        const k = await key(store);
        const foreign = await key(store, 'admin', 'ws2');
        await expectError(
          store.sessionCreate({ workspaceId: 'ws1', keyId: 'nope', hash: 'a' }),
          'unauthorized',
        );
        await expectError(
          store.sessionCreate({ workspaceId: 'ws1', keyId: foreign.id, hash: 'b' }),
          'unauthorized',
        );
        assert.equal(await store.apiKeyRevoke({ id: k.id }), true);
        await expectError(
          store.sessionCreate({ workspaceId: 'ws1', keyId: k.id, hash: 'c' }),
          'unauthorized',
        );
        for (const hash of ['a', 'b', 'c'])
          assert.equal(await store.sessionFind({ hash, idleMs: IDLE }), null);
      }));

    it('expires after idleMs without a touch, and a touch keeps it alive', () =>
      withStore(async ({ store, clock }) => {
        const k = await key(store);
        const s = await store.sessionCreate({ workspaceId: 'ws1', keyId: k.id, hash: 'h' });
        clock.advance(1_000);
        assert.ok(await store.sessionFind({ hash: 'h', idleMs: 1_000 }), 'exactly idleMs is still live');
        clock.advance(1);
        assert.equal(await store.sessionFind({ hash: 'h', idleMs: 1_000 }), null);
        assert.ok(await store.sessionFind({ hash: 'h', idleMs: 1_001 }), 'the idle time is the caller’s');
        await store.sessionTouch({ id: s.id });
        clock.advance(900);
        const found = await store.sessionFind({ hash: 'h', idleMs: 1_000 });
        assert.equal(found?.lastSeenAt, T0 + 1_001);
        assert.equal(found?.createdAt, T0);
        // A touch never moves lastSeenAt back (two processes touching with skewed clocks).
        clock.set(T0 + 10);
        await store.sessionTouch({ id: s.id });
        clock.set(T0 + 1_901);
        assert.equal((await store.sessionFind({ hash: 'h', idleMs: 1_000 }))?.lastSeenAt, T0 + 1_001);
      }));

    it('revokes by hash once; a revoked session is never found or revived', () =>
      withStore(async ({ store, clock }) => {
        const k = await key(store);
        const s = await store.sessionCreate({ workspaceId: 'ws1', keyId: k.id, hash: 'h' });
        const kept = await store.sessionCreate({ workspaceId: 'ws1', keyId: k.id, hash: 'h2' });
        assert.equal(await store.sessionRevoke({ hash: 'h' }), true);
        assert.equal(await store.sessionRevoke({ hash: 'h' }), false);
        assert.equal(await store.sessionRevoke({ hash: 'unknown' }), false);
        clock.advance(5);
        await store.sessionTouch({ id: s.id });
        assert.equal(await store.sessionFind({ hash: 'h', idleMs: IDLE }), null);
        assert.deepEqual(await store.sessionFind({ hash: 'h2', idleMs: IDLE }), kept);
      }));

    it('revoking the key ends every session made from it, and only those', () =>
      withStore(async ({ store }) => {
        const a = await key(store, 'write');
        const b = await key(store, 'read');
        await store.sessionCreate({ workspaceId: 'ws1', keyId: a.id, hash: 'a1' });
        await store.sessionCreate({ workspaceId: 'ws1', keyId: a.id, hash: 'a2' });
        await store.sessionCreate({ workspaceId: 'ws1', keyId: b.id, hash: 'b1' });
        assert.equal(await store.apiKeyRevoke({ id: a.id, workspaceId: 'ws1' }), true);
        assert.equal(await store.sessionFind({ hash: 'a1', idleMs: IDLE }), null);
        assert.equal(await store.sessionFind({ hash: 'a2', idleMs: IDLE }), null);
        assert.equal((await store.sessionFind({ hash: 'b1', idleMs: IDLE }))?.scope, 'read');
      }));

    it('runs on the store’s own clock when none is injected', () =>
      withStore(
        async ({ store }) => {
          const k = await key(store);
          const before = await store.clockNow();
          const s = await store.sessionCreate({ workspaceId: 'ws1', keyId: k.id, hash: 'h' });
          const after = await store.clockNow();
          assert.ok(s.createdAt >= before && s.createdAt <= after, `${before} <= ${s.createdAt} <= ${after}`);
          assert.ok(await store.sessionFind({ hash: 'h', idleMs: 3_600_000 }));
          await store.sessionTouch({ id: s.id });
          assert.ok(
            ((await store.sessionFind({ hash: 'h', idleMs: 3_600_000 }))?.lastSeenAt ?? 0) >= s.createdAt,
          );
        },
        { ownClock: true },
      ));
  });
}

export function timeseriesTests(withStore: WithStore): void {
  describe('jobTimeseries', () => {
    it('counts finished jobs per bucket by completedAt, oldest first, skipping empty buckets', () =>
      withStore(async ({ store, clock }) => {
        const MIN = 60_000;
        // Completed at T0 + 1 s (bucket 0), failed at T0 + 61 s (bucket 1), a pending job cancelled
        // at T0 + 4 min (bucket 4), a running one cancelled then stopped at T0 + 4.5 min.
        clock.set(T0 + 1_000);
        await finish(store, (await running(store)).lease, 'completed');
        clock.set(T0 + 61_000);
        await finish(store, (await running(store, { maxAttempts: 1 })).lease, 'failed');
        const [pending] = await insert(store, {});
        const live = await running(store);
        clock.set(T0 + 4 * MIN);
        await store.jobCancel({ workspaceId: 'ws1', id: pending as string });
        await store.jobCancel({ workspaceId: 'ws1', id: live.lease.jobId });
        const before = await store.jobTimeseries({ workspaceId: 'ws1', since: T0, bucketMs: MIN });
        clock.set(T0 + 4.5 * MIN);
        await store.jobFinish({ finishes: [{ lease: live.lease, outcome: 'completed' }] });
        // Not finished: pending, running, and another workspace's job.
        await insert(store, {});
        await running(store, { type: 't.other' });
        await finish(store, (await running(store, { workspaceId: 'ws2' })).lease, 'completed');

        const start = Math.floor(T0 / MIN) * MIN;
        assert.notEqual(start, T0, 'T0 is not on a minute boundary, so the floor is exercised');
        assert.deepEqual(before, [
          { start, completed: 1, failed: 0, cancelled: 0 },
          { start: start + MIN, completed: 0, failed: 1, cancelled: 0 },
          { start: start + 4 * MIN, completed: 0, failed: 0, cancelled: 1 },
        ]);
        const series = await store.jobTimeseries({ workspaceId: 'ws1', since: T0, bucketMs: MIN });
        assert.deepEqual(series.at(-1), { start: start + 4 * MIN, completed: 0, failed: 0, cancelled: 2 });
        assert.deepEqual(await store.jobTimeseries({ workspaceId: 'ws1', since: T0, bucketMs: 3_600_000 }), [
          {
            start: Math.floor(T0 / 3_600_000) * 3_600_000,
            completed: 1,
            failed: 1,
            cancelled: 2,
          },
        ]);
        // `since` is inclusive and cuts by completedAt, not by bucket.
        assert.deepEqual(
          await store.jobTimeseries({ workspaceId: 'ws1', since: T0 + 61_000, bucketMs: MIN }),
          [
            { start: start + MIN, completed: 0, failed: 1, cancelled: 0 },
            { start: start + 4 * MIN, completed: 0, failed: 0, cancelled: 2 },
          ],
        );
        assert.deepEqual(
          await store.jobTimeseries({ workspaceId: 'ws1', since: T0 + 5 * MIN, bucketMs: MIN }),
          [],
        );
        assert.deepEqual(await store.jobTimeseries({ workspaceId: 'nobody', since: 0, bucketMs: MIN }), []);
        await expectError(
          store.jobTimeseries({ workspaceId: 'ws1', since: 0, bucketMs: 0 }),
          'invalid_input',
        );
        await expectError(
          store.jobTimeseries({ workspaceId: 'ws1', since: 0, bucketMs: 1.5 }),
          'invalid_input',
        );
      }));

    it('counts retried attempts once, when the job reaches its terminal status', () =>
      withStore(async ({ store, clock }) => {
        await insert(store, { type: 't.r', maxAttempts: 2 });
        const first = await claimOne(store, { types: ['t.r'] });
        await store.jobFinish({ finishes: [{ lease: first.lease, outcome: 'failed', retryDelayMs: 0 }] });
        assert.deepEqual(await store.jobTimeseries({ workspaceId: 'ws1', since: 0, bucketMs: 1_000 }), []);
        clock.advance(10);
        const second = await claimOne(store, { types: ['t.r'] });
        await finish(store, second.lease, 'completed');
        assert.deepEqual(await store.jobTimeseries({ workspaceId: 'ws1', since: 0, bucketMs: 1_000 }), [
          { start: Math.floor((T0 + 10) / 1_000) * 1_000, completed: 1, failed: 0, cancelled: 0 },
        ]);
      }));
  });
}

/** Ids of a walk through every page, newest first. */
async function ids(store: Store, params: Omit<JobListParams, 'limit' | 'before'>, pageSize = 3) {
  return (await listAll(store, params, pageSize)).map((j) => j.id);
}

export function listFilterTests(withStore: WithStore): void {
  describe('jobList by name prefix', () => {
    it('matches a literal, case-sensitive prefix, newest first, across pages', () =>
      withStore(async ({ store }) => {
        const names = [
          '50%_off sale',
          '50x_off',
          '500_off',
          '50% off',
          '50%_off',
          'Publish a',
          'publish b',
          'Pub',
          'Pu',
          '50%_off again',
        ];
        const made = await insert(store, ...names.map((name) => ({ name })));
        await insert(store, { name: '50%_off elsewhere', workspaceId: 'ws2' });
        const id = (name: string) => made[names.indexOf(name)];
        assert.deepEqual(await ids(store, { workspaceId: 'ws1', namePrefix: '50%_off' }, 2), [
          id('50%_off again'),
          id('50%_off'),
          id('50%_off sale'),
        ]);
        assert.deepEqual(await ids(store, { workspaceId: 'ws1', namePrefix: 'Pub' }), [
          id('Pub'),
          id('Publish a'),
        ]);
        assert.deepEqual(
          await ids(store, { workspaceId: 'ws1', namePrefix: '50' }, 4),
          names
            .filter((n) => n.startsWith('50'))
            .map(id)
            .reverse(),
        );
        assert.deepEqual(await ids(store, { workspaceId: 'ws1', namePrefix: '_' }), []);
        assert.deepEqual(await ids(store, { workspaceId: 'ws1', namePrefix: '%' }), []);
        assert.equal((await ids(store, { workspaceId: 'ws1', namePrefix: '' })).length, names.length);
      }));

    it('combines with status, category and type, and takes any code point', () =>
      withStore(async ({ store }) => {
        const [a, b, c] = await insert(
          store,
          { name: 'x\uD7FFa', category: 'ai', type: 't.x' },
          { name: 'x\u{1F600}b', type: 't.y' },
          { name: '\u{10FFFF}\u{10FFFF}c', type: 't.x' },
          { name: 'x\uE000' },
          { name: 'x\u{1F601}' },
          { name: '\u{10FFFF}' },
        );
        assert.deepEqual(await ids(store, { workspaceId: 'ws1', namePrefix: 'x\uD7FF' }), [a]);
        assert.deepEqual(await ids(store, { workspaceId: 'ws1', namePrefix: 'x\u{1F600}' }), [b]);
        assert.deepEqual(await ids(store, { workspaceId: 'ws1', namePrefix: '\u{10FFFF}\u{10FFFF}' }), [c]);
        await store.jobCancel({ workspaceId: 'ws1', id: b as string });
        const x = { workspaceId: 'ws1', namePrefix: 'x' };
        assert.deepEqual(await ids(store, { ...x, statuses: ['cancelled'] }), [b]);
        assert.deepEqual(await ids(store, { ...x, statuses: ['pending'], categories: ['ai'] }), [a]);
        assert.deepEqual(await ids(store, { ...x, types: ['t.x', 't.y'] }), [b, a]);
        assert.deepEqual(await ids(store, { ...x, types: ['t.x'], statuses: ['cancelled'] }), []);
      }));
  });

  describe('jobList by input field', () => {
    it('matches a string at a path, or the number or boolean it spells', () =>
      withStore(async ({ store }) => {
        const inputs: unknown[] = [
          { bucketId: 'b1', opts: { count: 5, dry: true } },
          { bucketId: 'b1', opts: { count: '5', dry: 'true' } },
          { bucketId: 'b2', opts: { count: 5.0, dry: false } },
          { count: 5, bucketId: 'B1' },
          { bucketId: 'b1', opts: { count: [5], dry: 1 } },
          { bucketId: { id: 'b1' }, opts: { count: 50 } },
          { opts: { count: '05', dry: 'false' } },
          [{ bucketId: 'b1' }],
          null,
          'b1',
          { 'a-b_c': { X1: { y: { z: 'deep' } } }, n: 100, q: 'x"y\\%_' },
          { bucketId: 'b1 ', opts: { count: 1e21 } },
        ];
        const made = await insert(store, ...inputs.map((input) => ({ input })));
        await insert(store, { input: { bucketId: 'b1', opts: { count: 5 } }, workspaceId: 'ws2' });
        const pick = (...at: number[]) => at.map((i) => made[i]).reverse();
        const find = (...input: { path: string[]; value: string }[]) =>
          ids(store, { workspaceId: 'ws1', input });
        assert.deepEqual(await find({ path: ['bucketId'], value: 'b1' }), pick(0, 1, 4));
        assert.deepEqual(await find({ path: ['opts', 'count'], value: '5' }), pick(0, 1, 2));
        assert.deepEqual(await find({ path: ['opts', 'count'], value: '5.0' }), pick(0, 2));
        assert.deepEqual(await find({ path: ['opts', 'count'], value: '05' }), pick(6));
        assert.deepEqual(await find({ path: ['opts', 'count'], value: '1e21' }), pick(11));
        assert.deepEqual(await find({ path: ['opts', 'dry'], value: 'true' }), pick(0, 1));
        assert.deepEqual(await find({ path: ['opts', 'dry'], value: 'false' }), pick(2, 6));
        assert.deepEqual(await find({ path: ['opts', 'dry'], value: '1' }), pick(4));
        assert.deepEqual(await find({ path: ['n'], value: '1e2' }), pick(10));
        assert.deepEqual(await find({ path: ['q'], value: 'x"y\\%_' }), pick(10));
        assert.deepEqual(await find({ path: ['a-b_c', 'X1', 'y', 'z'], value: 'deep' }), pick(10));
        assert.deepEqual(await find({ path: ['a-b_c', 'X1'], value: '{"y":{"z":"deep"}}' }), []);
        assert.deepEqual(await find({ path: ['count'], value: '5' }), pick(3));
        assert.deepEqual(await find({ path: ['opts'], value: '5' }), []);
        assert.deepEqual(
          await find({ path: ['bucketId'], value: 'b1' }, { path: ['opts', 'count'], value: '5' }),
          pick(0, 1),
        );
        assert.deepEqual(
          await find({ path: ['bucketId'], value: 'b1' }, { path: ['opts', 'dry'], value: 'false' }),
          [],
        );
      }));

    it('combines with the other filters and refuses a path outside the allowed shape', () =>
      withStore(async ({ store }) => {
        const [a, , c] = await insert(
          store,
          { name: 'Publish b1', input: { bucketId: 'b1' } },
          { name: 'Sync b1', input: { bucketId: 'b1' }, category: 'sync' },
          { name: 'Publish again', input: { bucketId: 'b1' } },
          { name: 'Publish b2', input: { bucketId: 'b2' } },
        );
        await store.jobCancel({ workspaceId: 'ws1', id: a as string });
        const b1 = [{ path: ['bucketId'], value: 'b1' }];
        assert.deepEqual(await ids(store, { workspaceId: 'ws1', input: b1, namePrefix: 'Publish' }), [c, a]);
        assert.deepEqual(
          await ids(store, { workspaceId: 'ws1', input: b1, categories: ['seo'], statuses: ['pending'] }),
          [c],
        );
        for (const path of [[], ['a', 'b', 'c', 'd', 'e'], ['a.b'], ["a'"], ['x'.repeat(65)], ['']]) {
          await expectError(
            store.jobList({ workspaceId: 'ws1', limit: 5, input: [{ path, value: 'v' }] }),
            'invalid_input',
          );
        }
      }));

    it('pages through a scan that passes more jobs than one page examines', () =>
      withStore(async ({ store }) => {
        const b1 = [{ path: ['bucketId'], value: 'b1' }];
        const old = await insert(
          store,
          ...[1, 2, 3].map((i) => ({ name: `Old ${i}`, input: { bucketId: 'b1' } })),
        );
        const filler = Array.from({ length: INPUT_SCAN_LIMIT + 5 }, () => ({
          name: 'Fill',
          input: { bucketId: 'b2' },
        }));
        const fills = await insert(store, ...filler);
        const walk = async (params: Omit<JobListParams, 'limit' | 'before'>) => {
          const seen: string[] = [];
          const pages: number[] = [];
          let before: number | undefined;
          do {
            const query = { ...params, limit: 2, ...(before ? { before } : {}) };
            const page = await store.jobList(query);
            const asJson = await store.jobListJson(query);
            assert.deepEqual(JSON.parse(asJson.json), page.jobs.map(toJobJson));
            assert.equal(asJson.next, page.next);
            assert.ok(page.jobs.length <= 2);
            seen.push(...page.jobs.map((j) => j.id));
            pages.push(page.jobs.length);
            before = page.next ?? undefined;
          } while (before !== undefined && pages.length < 10);
          return { seen, pages };
        };
        const byInput = await walk({ workspaceId: 'ws1', input: b1 });
        assert.deepEqual(byInput.seen, [...old].reverse());
        // SQLite stops the first page at the bound, before any match, and the walk resumes there;
        // PostgreSQL's index finds the matches at once.
        assert.deepEqual(byInput.pages, store.kind === 'sqlite' ? [0, 2, 1] : [2, 1]);
        // A prefix the newest jobs lack comes from the name index, in full pages; one they share
        // from the newest jobs.
        const byName = await walk({ workspaceId: 'ws1', namePrefix: 'Old' });
        assert.deepEqual(byName, { seen: [...old].reverse(), pages: [2, 1] });
        assert.deepEqual(await walk({ workspaceId: 'ws1', namePrefix: 'Old', input: b1 }), byName);
        // Both: the name range is too large to sort, so SQLite scans the newest jobs within its bound.
        assert.deepEqual(await walk({ workspaceId: 'ws1', namePrefix: 'Fi', input: b1 }), {
          seen: [],
          pages: store.kind === 'sqlite' ? [0, 0] : [0],
        });
        const page = await store.jobList({ workspaceId: 'ws1', namePrefix: 'Fi', limit: 2 });
        assert.deepEqual(
          page.jobs.map((j) => j.id),
          fills.slice(-2).reverse(),
        );
      }));
  });
}
