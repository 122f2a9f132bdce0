/** SQLite's list planner: the driving index follows the counts, and either plan returns the same page. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { newJobId } from '../src/core/ids.ts';
import { createSqliteStore } from '../src/store/sqlite/index.ts';
import { planList } from '../src/store/sqlite/list-plan.ts';
import { tempDir } from './helpers.ts';

describe('SQLite list plans', () => {
  it('drive by the smaller side of a status × category filter', () => {
    const counts = [
      { status: 'completed', category: 'seo', count: 900 },
      { status: 'failed', category: 'seo', count: 5 },
      { status: 'failed', category: 'ai', count: 50 },
    ];
    const p = { workspaceId: 'w', limit: 20 };
    assert.equal(
      planList({ ...p, statuses: ['failed'], categories: ['seo'] }, () => counts).column,
      'status',
    );
    assert.equal(
      planList({ ...p, statuses: ['completed'], categories: ['ai'] }, () => counts).column,
      'category',
    );
    assert.equal(planList({ ...p, types: ['t'] }, () => counts).index, 'jobs_ws_type');
    assert.equal(planList(p, () => counts).index, 'jobs_ws_seq', 'no filter: one workspace range');
  });

  it('pages through the same jobs whichever index drives', async () => {
    const tmp = tempDir();
    const store = await createSqliteStore({ path: join(tmp.dir, 'l.db') });
    const jobs = Array.from({ length: 300 }, (_, i) => ({
      id: newJobId(),
      workspaceId: 'w',
      type: i % 3 === 0 ? 'a' : 'b',
      category: i % 4 === 0 ? 'ai' : 'seo',
      name: `j${i}`,
      input: null,
      priority: 0,
      runAt: null,
      maxAttempts: 1,
      idempotencyKey: null,
      requestHash: null,
    }));
    await store.jobInsert({ jobs });
    // Cancel every fifth job so two statuses exist with different sizes.
    for (const [i, j] of jobs.entries())
      if (i % 5 === 0) await store.jobCancel({ workspaceId: 'w', id: j.id });
    const expected = (pred: (j: (typeof jobs)[number], i: number) => boolean) =>
      jobs
        .filter((j, i) => pred(j, i))
        .map((j) => j.id)
        .reverse();
    const walk = async (params: Parameters<typeof store.jobList>[0]) => {
      const ids: string[] = [];
      let before: number | undefined;
      for (;;) {
        const page = await store.jobList({ ...params, before });
        ids.push(...page.jobs.map((j) => j.id));
        if (page.next === null) return ids;
        before = page.next;
      }
    };
    // Few cancelled jobs: drives by status. Many pending: drives by category.
    assert.deepEqual(
      await walk({ workspaceId: 'w', limit: 7, statuses: ['cancelled'], categories: ['seo'] }),
      expected((j, i) => i % 5 === 0 && j.category === 'seo'),
    );
    assert.deepEqual(
      await walk({ workspaceId: 'w', limit: 7, statuses: ['pending'], categories: ['ai'], types: ['a'] }),
      expected((j, i) => i % 5 !== 0 && j.category === 'ai' && j.type === 'a'),
    );
    assert.deepEqual(
      await walk({ workspaceId: 'w', limit: 13 }),
      expected(() => true),
    );
    await store.close();
    tmp.cleanup();
  });
});
