/**
 * Screenshots of every view, light and dark (and the jobs and job pages at phone width), written
 * to test-results/ from a workspace with jobs in every state. Each view is checked for the thing
 * it exists to show before it is photographed, so a broken view fails here rather than producing
 * a blank picture.
 */
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tempDir, waitFor } from './helpers.ts';
import { type Dashboard, newPage, screenshot, signIn, startDashboard } from './web-helpers.ts';

describe('dashboard: screenshots of every view', () => {
  let d: Dashboard;
  let gates: ReturnType<typeof tempDir>;
  let featured: string;

  before(async () => {
    d = await startDashboard();
    gates = tempDir('longrun-web-shots-');
    const { api } = d;
    const never = join(gates.dir, 'never');
    const done: { job: { id: string } }[] = [];
    for (let i = 0; i < 6; i++)
      done.push(
        await api.createJob({ type: 'test.noop', input: { n: i }, name: `Sync catalogue shard ${i + 1}` }),
      );
    done.push(
      await api.createJob({
        type: 'test.gated',
        input: { items: 12, failItems: [4, 9] },
        name: 'Import supplier feed',
        maxAttempts: 1,
      }),
      await api.createJob({
        type: 'test.gated',
        input: { items: 3, fail: true },
        name: 'Rebuild search index',
        maxAttempts: 1,
      }),
    );
    await waitFor('the first jobs to finish', async () =>
      (await Promise.all(done.map((j) => api.getJob(j.job.id)))).every((j) => j.completedAt !== null),
    );
    const running = [
      { name: 'Publish bucket spring-launch', items: 120, waitAt: 83, failItems: [7, 31, 52] },
      { name: 'Export orders 2026-Q3', items: 400, waitAt: 122, failItems: [] },
      { name: 'Translate product pages (de)', items: 60, waitAt: 51, failItems: [12] },
    ];
    for (const r of running) {
      const { job } = await api.createJob({
        type: 'test.gated',
        input: { items: r.items, gate: never, waitAt: r.waitAt, failItems: r.failItems },
        name: r.name,
      });
      featured ??= job.id;
      await waitFor(`${r.name} to reach its gate`, async () => {
        const p = (await api.getJob(job.id)).progress;
        return p.completed + p.failed === r.waitAt;
      });
    }
    for (let i = 0; i < 3; i++)
      await api.createJob({
        type: 'test.slow',
        input: { items: 5, itemMs: 10 },
        name: `Nightly report ${i + 1}`,
      });
    const { job } = await api.createJob({
      type: 'test.slow',
      input: { items: 5, itemMs: 10 },
      name: 'Old export',
    });
    await api.cancelJob(job.id);
  });
  after(async () => {
    await d?.close();
    gates?.cleanup();
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`photographs every view in the ${scheme} theme`, async () => {
      const { page, context } = await newPage(d, { colorScheme: scheme });
      await page.goto('/');
      await page.getByLabel('API key').waitFor();
      await screenshot(page, `signin-${scheme}`);
      await signIn(page, d.key);

      await page.getByRole('progressbar', { name: 'Progress of Publish bucket spring-launch' }).waitFor();
      await page.locator('.chart rect').first().waitFor();
      await screenshot(page, `overview-${scheme}`);

      await page.goto('/#/jobs');
      await page.locator('table.jobs tbody tr').nth(13).waitFor();
      await screenshot(page, `jobs-${scheme}`);

      await page.goto(`/#/jobs/${featured}`);
      await page.getByText('item 7 is broken').first().waitFor();
      await page.locator('.log-msg').filter({ hasText: 'item 82 done' }).waitFor();
      await screenshot(page, `job-${scheme}`);
      await page.getByRole('button', { name: 'Cancel job' }).click();
      await page.getByRole('dialog').waitFor();
      await page.screenshot({
        path: join(import.meta.dirname, '..', 'test-results', `job-cancel-dialog-${scheme}.png`),
      });
      await page.getByRole('button', { name: 'Keep it' }).click();

      await page.goto('/#/types');
      const gated = page.getByRole('article', { name: /test\.gated/ });
      await gated.getByRole('button', { name: 'Create job' }).click();
      await gated.getByLabel(/^items/).fill('25');
      await screenshot(page, `types-${scheme}`);

      await page.goto('/#/keys');
      await page.getByLabel('Name').fill(`grafana-${scheme}`);
      await page.getByRole('button', { name: 'Create key' }).click();
      await page.getByText('Copy this key now.').waitFor();
      await page.getByRole('cell', { name: `grafana-${scheme}` }).waitFor();
      await screenshot(page, `keys-${scheme}`);
      await context.close();
    });
  }

  it('photographs the jobs and job pages at phone width', async () => {
    const { page, context } = await newPage(d, { width: 390, height: 844 });
    await signIn(page, d.key, '#/jobs');
    await page.locator('table.jobs tbody tr').nth(5).waitFor();
    await screenshot(page, 'jobs-phone-light');
    await page.goto(`/#/jobs/${featured}`);
    await page.getByText('item 7 is broken').first().waitFor();
    await screenshot(page, 'job-phone-light');
    await context.close();
  });
});
