/**
 * Acceptance 2 and 3 in a real browser: a running job's bar reaches 100% and its log lines appear
 * without a reload; Cancel on its page cancels it (the API shows `cancelled`, then `completedAt`
 * once the worker stopped) and no item starts after the cancel.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tempDir, waitFor } from './helpers.ts';
import { type Dashboard, newPage, progressOf, screenshot, signIn, startDashboard } from './web-helpers.ts';

describe('dashboard: live job page (acceptance 2, 3)', () => {
  let d: Dashboard;
  let gates: ReturnType<typeof tempDir>;

  before(async () => {
    d = await startDashboard();
    gates = tempDir('longrun-web-gates-');
  });
  after(async () => {
    await d?.close();
    gates?.cleanup();
  });

  it("shows a running job's bar reaching 100% and its log lines as they are written, without a reload", async () => {
    const gate = join(gates.dir, 'live');
    const { job } = await d.api.createJob({ type: 'test.gated', input: { items: 20, gate, waitAt: 5 } });
    await waitFor(
      'the job to wait at item 5',
      async () => (await d.api.getJob(job.id)).progress.completed === 5,
    );
    const { page } = await newPage(d);
    await signIn(page, d.key, `#/jobs/${job.id}`);
    const log = page.getByRole('region', { name: 'Log lines' });
    await log.getByText('item 4 done').waitFor();
    assert.equal(await progressOf(page, 'Job progress'), 25);
    assert.equal(await log.getByText('item 5 done').count(), 0);
    // Marks this document: a reload would lose it.
    await page.evaluate(() => Object.assign(window, { notReloaded: true }));

    writeFileSync(gate, '');
    await waitFor(
      'the bar at 100%',
      async () => (await progressOf(page, 'Job progress')) === 100,
      15_000,
      20,
    );
    await log.getByText('item 19 done').waitFor();
    await page.locator('.job-actions').getByText('completed', { exact: true }).waitFor();
    assert.equal(await page.evaluate(() => (window as { notReloaded?: boolean }).notReloaded), true);
    const rows = await log.locator('.log-row').allTextContents();
    for (let i = 0; i < 20; i++)
      assert.ok(
        rows.some((r) => r.endsWith(`item ${i} done`)),
        `item ${i} logged`,
      );
    await screenshot(page, 'job-live-completed-light');
    await page.context().close();
  });

  it('cancels a running job from its page: the item in flight finishes, nothing starts after it', async () => {
    // The gate never opens: item 3 waits until the cancel reaches the worker.
    const gate = join(gates.dir, 'never');
    const { job } = await d.api.createJob({ type: 'test.gated', input: { items: 10, gate, waitAt: 3 } });
    await waitFor(
      'the job to wait at item 3',
      async () => (await d.api.getJob(job.id)).progress.completed === 3,
    );
    const { page } = await newPage(d);
    await signIn(page, d.key, `#/jobs/${job.id}`);
    await page.getByRole('button', { name: 'Cancel job' }).click();
    const dialog = page.getByRole('dialog', { name: 'Cancel this job?' });
    await dialog.getByText('The job stops after the step or item in flight finishes').waitFor();
    await dialog.getByText('Nothing is rolled back').waitFor();
    const before = Date.now();
    await dialog.getByRole('button', { name: 'Cancel job' }).click();

    const cancelled = await waitFor('the API to say cancelled', async () => {
      const j = await d.api.getJob(job.id);
      return j.status === 'cancelled' ? j : null;
    });
    assert.ok(cancelled.cancelRequestedAt !== null && cancelled.cancelRequestedAt >= before - 1_000);
    assert.equal(cancelled.cancelledBy, 'bootstrap admin', 'the key behind the session');
    const stopped = await waitFor('the worker to stop', async () => {
      const j = await d.api.getJob(job.id);
      return j.completedAt !== null ? j : null;
    });
    assert.equal(stopped.status, 'cancelled');
    assert.ok(stopped.completedAt! >= stopped.cancelRequestedAt!);

    // No item after the one in flight started: items 4-9 have no outcome and no log line (item 3,
    // stopped by the cancel's signal, may or may not have one).
    const { items } = await d.api.listItems(job.id, { limit: 100 });
    const keys = items.map((i) => i.key).sort();
    assert.deepEqual(keys.slice(0, 3), ['item-0', 'item-1', 'item-2']);
    assert.ok(
      keys.every((k) => ['item-0', 'item-1', 'item-2', 'item-3'].includes(k)),
      keys.join(),
    );
    const logs = await d.api.listLogs(job.id, { limit: 1000 });
    for (let i = 4; i < 10; i++)
      assert.ok(!logs.some((l) => l.message.includes(`item ${i} `)), `item ${i} never ran`);
    assert.ok(logs.every((l) => l.timestamp <= stopped.completedAt!));

    // The page shows it without a reload, and offers no second cancel.
    await page.locator('.job-actions').getByText('cancelled', { exact: true }).waitFor();
    await page.getByText('Cancel requested').waitFor();
    await page.getByText('by bootstrap admin').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Cancel job' }).count(), 0);
    await screenshot(page, 'job-cancelled-light');
    await page.context().close();
  });
});
