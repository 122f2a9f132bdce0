/**
 * Acceptance 1 in a real browser: sign in with an admin key; the jobs list filters by status and
 * category (and type, name prefix, an input field), its counts match the API's, and bulk cancel
 * cancels the selected jobs.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { JobStatus } from '../src/client/types.ts';
import { waitFor } from './helpers.ts';
import { type Dashboard, newPage, screenshot, signIn, startDashboard } from './web-helpers.ts';

const STATUSES: JobStatus[] = ['pending', 'running', 'completed', 'failed', 'cancelled'];

/** The ids of the rows shown, in order, once the list has settled on `expected` rows. */
async function rowIds(page: Page): Promise<string[]> {
  return page
    .locator('table.jobs tbody tr')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-job-id') ?? ''));
}

async function waitForRows(page: Page, expected: string[]): Promise<void> {
  await waitFor(
    `rows ${expected.length}`,
    async () => JSON.stringify(await rowIds(page)) === JSON.stringify(expected),
    15_000,
    50,
  ).catch(async (err) => {
    throw new Error(`${(err as Error).message}; shown: ${JSON.stringify(await rowIds(page))}`);
  });
}

describe('dashboard: jobs list (acceptance 1)', () => {
  let d: Dashboard;
  let page: Page;
  const blockers: string[] = [];

  before(async () => {
    d = await startDashboard();
    const { api } = d;
    // Finished first: three completed (sync), two failed (sync), one failed (ai).
    const early = [
      ...(await Promise.all([0, 1, 2].map((n) => api.createJob({ type: 'test.noop', input: { n } })))),
      ...(await Promise.all(
        [0, 1].map(() =>
          api.createJob({ type: 'test.gated', input: { items: 1, fail: true }, maxAttempts: 1 }),
        ),
      )),
      await api.createJob({ type: 'test.xss', input: { payload: 'plain' } }),
    ];
    await waitFor(
      'the first jobs to finish',
      async () =>
        (await Promise.all(early.map((e) => api.getJob(e.job.id)))).every((j) => j.completedAt !== null),
      30_000,
      50,
    );
    // Four that hold the four workers (their gate never opens), so what follows stays pending.
    for (let i = 0; i < 4; i++) {
      const gate = join(d.url.replace(/\W/g, '_'), 'never');
      const { job } = await api.createJob({ type: 'test.gated', input: { items: 7, gate, waitAt: 0 } });
      blockers.push(job.id);
    }
    await waitFor('the blockers to run', async () => (await api.stats()).byStatus.running === 4, 30_000, 50);
    for (let i = 0; i < 3; i++) await api.createJob({ type: 'test.slow', input: { items: 2, itemMs: 1 } });
    const { job } = await api.createJob({
      type: 'test.slow',
      input: { items: 3, itemMs: 1 },
      name: 'to cancel',
    });
    await api.cancelJob(job.id);
    ({ page } = await newPage(d));
  });
  after(async () => {
    await d?.close();
  });

  it('signs in with an admin key and shows every job, newest first', async () => {
    await signIn(page, d.key, '#/jobs');
    const { jobs } = await d.api.listJobs({ limit: 50 });
    assert.equal(jobs.length, 14);
    await waitForRows(
      page,
      jobs.map((j) => j.id),
    );
    await page.getByText('bootstrap admin · admin · default').waitFor();
  });

  it('shows the counts of the API on the status and category chips', async () => {
    const stats = await d.api.stats();
    const chip = (group: string, name: string) =>
      page.getByRole('group', { name: group }).getByRole('button', { name: new RegExp(`^${name}\\b`) });
    for (const s of STATUSES) {
      await waitFor(`the ${s} chip`, async () =>
        (await chip('Status', s).textContent())?.endsWith(String(stats.byStatus[s] ?? 0)),
      );
    }
    assert.match((await chip('Status', 'all').textContent()) ?? '', new RegExp(`${stats.total}$`));
    for (const [category, row] of Object.entries(stats.byCategory)) {
      const total = Object.values(row).reduce((a, n) => a + n, 0);
      assert.match((await chip('Category', category).textContent()) ?? '', new RegExp(`${total}$`));
    }
    assert.deepEqual(
      { running: stats.byStatus.running, pending: stats.byStatus.pending, failed: stats.byStatus.failed },
      { running: 4, pending: 3, failed: 3 },
    );
  });

  it('filters by status, then by category, and the rows and counts match the API', async () => {
    const group = (name: string) => page.getByRole('group', { name });
    await group('Status')
      .getByRole('button', { name: /^failed\b/ })
      .click();
    let expected = await d.api.listJobs({ status: 'failed' });
    await waitForRows(
      page,
      expected.jobs.map((j) => j.id),
    );
    assert.match(page.url(), /#\/jobs\?status=failed$/);

    await group('Category')
      .getByRole('button', { name: /^sync\b/ })
      .click();
    expected = await d.api.listJobs({ status: 'failed', category: 'sync' });
    assert.equal(expected.jobs.length, 2);
    await waitForRows(
      page,
      expected.jobs.map((j) => j.id),
    );
    const stats = await d.api.stats();
    // With sync chosen, the status chips count sync jobs only.
    const failedChip = group('Status').getByRole('button', { name: /^failed\b/ });
    assert.match((await failedChip.textContent()) ?? '', new RegExp(`${stats.byCategory.sync?.failed}$`));
    await screenshot(page, 'jobs-filtered-light');

    await failedChip.click();
    await group('Status')
      .getByRole('button', { name: /^running\b/ })
      .click();
    expected = await d.api.listJobs({ status: 'running', category: 'sync' });
    await waitForRows(
      page,
      expected.jobs.map((j) => j.id),
    );
    assert.deepEqual(new Set(expected.jobs.map((j) => j.id)), new Set(blockers));

    // A deep link holds the filters.
    await page.reload();
    await waitForRows(
      page,
      expected.jobs.map((j) => j.id),
    );
    assert.equal(
      await group('Category')
        .getByRole('button', { name: /^sync\b/ })
        .getAttribute('aria-pressed'),
      'true',
    );
  });

  it('filters by type, name prefix and an input field', async () => {
    await page.goto('/#/jobs');
    await page.getByLabel('Type').selectOption('test.slow');
    let expected = await d.api.listJobs({ type: 'test.slow' });
    await waitForRows(
      page,
      expected.jobs.map((j) => j.id),
    );

    await page.goto('/#/jobs');
    await page.getByRole('searchbox', { name: 'Search jobs' }).fill('to can');
    await page.getByRole('searchbox', { name: 'Search jobs' }).press('Enter');
    expected = await d.api.listJobs({ limit: 50 });
    await waitForRows(
      page,
      expected.jobs.filter((j) => j.name.startsWith('to can')).map((j) => j.id),
    );

    await page.getByRole('searchbox', { name: 'Search jobs' }).fill('input.items = 7');
    await page.getByRole('searchbox', { name: 'Search jobs' }).press('Enter');
    await waitForRows(
      page,
      expected.jobs.filter((j) => blockers.includes(j.id)).map((j) => j.id),
    );
    const query = new URLSearchParams(new URL(page.url()).hash.split('?')[1]);
    assert.equal(query.get('q'), 'input.items = 7');
  });

  it('goes to a job when its id is searched', async () => {
    await page.goto('/#/jobs');
    await page.getByRole('searchbox', { name: 'Search jobs' }).fill(blockers[0]!);
    await page.getByRole('searchbox', { name: 'Search jobs' }).press('Enter');
    await page.waitForURL(`**/#/jobs/${blockers[0]}`);
    await page.getByRole('heading', { level: 1, name: 'test.gated' }).waitFor();
  });

  it('cancels the selected jobs after a confirmation', async () => {
    await page.goto('/#/jobs?status=pending');
    const pending = (await d.api.listJobs({ status: 'pending' })).jobs;
    assert.equal(pending.length, 3);
    await waitForRows(
      page,
      pending.map((j) => j.id),
    );
    await page.getByLabel('Select all jobs shown').check();
    await page.getByRole('button', { name: 'Cancel 3 jobs' }).click();
    const dialog = page.getByRole('dialog', { name: 'Cancel 3 jobs?' });
    await dialog.getByText('Nothing already done is rolled back').waitFor();
    await dialog.getByRole('button', { name: 'Cancel jobs' }).click();
    await page.getByRole('status').filter({ hasText: 'Cancelled 3.' }).waitFor();
    for (const j of pending) assert.equal((await d.api.getJob(j.id)).status, 'cancelled');
    // The rows follow over the live stream.
    await waitFor('the rows to say cancelled', async () =>
      (
        await page
          .locator('table.jobs tbody tr')
          .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')))
      ).every((s) => s === 'cancelled'),
    );
  });

  it('adds a new job to the list as it is created, and holds still while paused', async () => {
    await page.goto('/#/jobs');
    await page.locator('table.jobs tbody tr').first().waitFor();
    const { job } = await d.api.createJob({ type: 'test.noop', input: {}, name: 'arrives live' });
    // Pending: the blockers hold every worker.
    await page
      .locator(`tr[data-job-id="${job.id}"][data-status="pending"]`)
      .getByText('arrives live')
      .waitFor();

    // Paused, the stream closes (the live dot goes grey) and nothing arrives until resumed.
    await page.getByRole('checkbox', { name: 'Live updates' }).uncheck();
    await page.locator('.live-dot:not(.on)').waitFor();
    const { job: later } = await d.api.createJob({ type: 'test.noop', input: {}, name: 'after resume' });
    assert.equal(await page.locator(`tr[data-job-id="${later.id}"]`).count(), 0);
    await page.getByRole('checkbox', { name: 'Live updates' }).check();
    await page.locator(`tr[data-job-id="${later.id}"]`).waitFor();
  });
});
