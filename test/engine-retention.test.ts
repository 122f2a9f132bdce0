/** Retention deletes jobs finished longer ago than the limit, in batches, and nothing else. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../src/cli/config.ts';
import { fakeClock } from '../src/core/clock.ts';
import { SESSION_IDLE_MS } from '../src/core/session.ts';
import { createLongrun } from '../src/engine/longrun.ts';
import { RetentionSweeper } from '../src/engine/retention.ts';
import { createSqliteStore } from '../src/store/sqlite/index.ts';
import { testJobs } from './fixtures/test-jobs.ts';
import { tempDir } from './helpers.ts';

const DAY = 86_400_000;

describe('retention', () => {
  it('purges finished jobs past the age limit in batches, keeps the rest and their counts', async () => {
    const tmp = tempDir();
    const clock = fakeClock(1_800_000_000_000);
    const store = await createSqliteStore({ path: join(tmp.dir, 'r.db'), clock });
    const longrun = createLongrun({ store, jobs: testJobs });
    const old = await longrun.enqueueMany(
      Array.from({ length: 25 }, (_, n) => ({ type: 'test.noop', input: { n } })),
    );
    for (const id of old.slice(0, 20)) await longrun.cancel(id);
    clock.advance(10 * DAY);
    const recent = await longrun.enqueueMany(
      Array.from({ length: 5 }, (_, n) => ({ type: 'test.noop', input: { n } })),
    );
    for (const id of recent) await longrun.cancel(id);

    const sweeper = new RetentionSweeper(store, { maxAgeMs: 7 * DAY, batchSize: 6 });
    assert.equal(await sweeper.sweep(), 20, 'the 20 finished ten days ago');
    assert.equal(await sweeper.sweep(), 0);
    const left = await longrun.listJobs({ limit: 100 });
    assert.equal(left.jobs.length, 10, '5 still pending from the old batch, 5 recent');
    assert.deepEqual(Object.fromEntries((await longrun.counts()).map((c) => [c.status, c.count])), {
      pending: 5,
      cancelled: 5,
    });
    await assert.rejects(longrun.getJob(old[0]!), /not found/);
    assert.equal((await store.logList({ jobId: old[0]!, limit: 10 })).length, 0);
    await store.close();
    tmp.cleanup();
  });

  it('deletes dashboard sessions idle past their lifetime, and keeps a live one', async () => {
    const tmp = tempDir();
    const clock = fakeClock(1_800_000_000_000);
    const store = await createSqliteStore({ path: join(tmp.dir, 's.db'), clock });
    await store.workspaceEnsure({ name: 'default' });
    const k = await store.apiKeyCreate({
      workspaceId: 'default',
      name: 'k',
      scope: 'read',
      hash: 'k',
      prefix: 'x',
    });
    await store.sessionCreate({ workspaceId: 'default', keyId: k.id, hash: 'old' });
    clock.advance(SESSION_IDLE_MS + 1);
    await store.sessionCreate({ workspaceId: 'default', keyId: k.id, hash: 'new' });
    await new RetentionSweeper(store, { maxAgeMs: 7 * DAY }).sweep();
    assert.equal(await store.sessionFind({ hash: 'old', idleMs: 10 * SESSION_IDLE_MS }), null);
    assert.ok(await store.sessionFind({ hash: 'new', idleMs: SESSION_IDLE_MS }));
    await store.close();
    tmp.cleanup();
  });

  it('is configured in days: flag over env over file, 0 keeps jobs forever', () => {
    assert.equal(loadConfig({}, { env: {}, cwd: '/nonexistent' }).retentionDays, 30);
    assert.equal(
      loadConfig({}, { env: { LONGRUN_RETENTION_DAYS: '7' }, cwd: '/nonexistent' }).retentionDays,
      7,
    );
    assert.equal(
      loadConfig({ retentionDays: '0' }, { env: { LONGRUN_RETENTION_DAYS: '7' }, cwd: '/nonexistent' })
        .retentionDays,
      0,
    );
    assert.throws(
      () => loadConfig({ retentionDays: '-1' }, { env: {}, cwd: '/nonexistent' }),
      /--retention-days/,
    );
  });
});
