/**
 * Conformance: the job list's name-prefix and input-field filters (the dashboard's search), both
 * backends alike except where SQLite's bounded input scan may end a page early (documented on
 * `JobListParams.input`).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toJobJson } from '../src/core/job-json.ts';
import { INPUT_SCAN_LIMIT } from '../src/store/input-filter.ts';
import type { JobListParams, Store } from '../src/store/types.ts';
import { expectError, insert, listAll, type WithStore } from './store-conformance-helpers.ts';

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
