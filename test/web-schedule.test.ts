/**
 * The dashboard's job page names the schedule whose fire enqueued the job: the server's own
 * scheduler fires a schedule created through the API, and the page shows "schedule <id>".
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSqliteStore } from '../src/store/sqlite/index.ts';
import { waitFor } from './helpers.ts';
import { type Dashboard, newPage, signIn, startDashboard } from './web-helpers.ts';

describe('dashboard: a scheduled job', () => {
  let d: Dashboard;
  let db = '';
  before(async () => {
    d = await startDashboard({
      prepare: async (path) => {
        db = path;
      },
    });
  });
  after(async () => {
    await d?.close();
  });

  it('shows the schedule on the job page', async () => {
    const s = await d.api.createSchedule({
      type: 'test.noop',
      cron: '* * * * *',
      timezone: 'UTC',
      overlap: 'allow',
    });
    // Rewind the cursor to the minute that began last (a fire on time), from another connection.
    const store = await createSqliteStore({ path: db });
    try {
      const now = await store.clockNow();
      await store.scheduleUpdate({
        workspaceId: 'default',
        id: s.id,
        patch: { nextFireAt: Math.floor(now / 60_000) * 60_000 },
      });
    } finally {
      await store.close();
    }
    const jobId = await waitFor(
      'the fire',
      async () => (await d.api.getSchedule(s.id)).lastJobId,
      20_000,
      50,
    );
    assert.equal((await d.api.getJob(jobId)).scheduleId, s.id);
    const { page } = await newPage(d);
    await signIn(page, d.key, `#/jobs/${jobId}`);
    const line = page.locator('.job-schedule');
    await line.waitFor();
    assert.equal((await line.textContent())?.trim(), `· schedule ${s.id}`);
  });
});
