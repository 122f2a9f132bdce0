/**
 * Acceptance 4 and 5 in a real browser: a read key sees no Cancel, Create or Keys, and a write
 * with the session cookie from a foreign origin is refused (CSRF); XSS payloads in a job's name,
 * input, log line, error and item key render as inert text with ANSI escapes stripped. Also: the
 * page is served with the CSP and holds no inline script or style.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitFor } from './helpers.ts';
import { type Dashboard, newPage, screenshot, signIn, startDashboard } from './web-helpers.ts';

const PAYLOAD =
  '<img src=x onerror=alert(1)><script>alert(2)</script>"><svg onload=alert(3)></svg>\x1b[31mRED\x1b[0m&amp;';

describe('dashboard: scopes, CSRF and XSS (acceptance 4, 5)', () => {
  let d: Dashboard;
  let blocker: string;
  let xss: string;

  before(async () => {
    d = await startDashboard();
    // Running until cancelled: its gate never opens.
    ({
      job: { id: blocker },
    } = await d.api.createJob({
      type: 'test.gated',
      input: { items: 3, gate: join(d.url.replace(/\W/g, '_'), 'never'), waitAt: 1 },
    }));
    ({
      job: { id: xss },
    } = await d.api.createJob({ type: 'test.xss', input: { payload: PAYLOAD } }));
    await waitFor('the jobs to be running and failed', async () => {
      const [b, x] = await Promise.all([d.api.getJob(blocker), d.api.getJob(xss)]);
      return b.status === 'running' && x.status === 'failed';
    });
  });
  after(async () => {
    await d?.close();
  });

  it('serves the page with the CSP and no inline script or style', async () => {
    const res = await fetch(d.url);
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    const html = await res.text();
    for (const tag of html.match(/<script\b[^>]*>/g) ?? []) assert.match(tag, /\bsrc=/);
    assert.doesNotMatch(html, /<style|\sstyle=|\son[a-z]+=/i);
  });

  it('shows a read key no Cancel, no Create and no Keys', async () => {
    const { key } = await d.api.createKey({ scope: 'read', name: 'viewer' });
    const { page, context } = await newPage(d);
    await signIn(page, key, `#/jobs/${blocker}`);
    await page.getByText('viewer · read · default').waitFor();
    await page.locator('.job-actions').getByText('running', { exact: true }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Cancel job' }).count(), 0);
    const nav = page.getByRole('navigation', { name: 'Main' });
    assert.deepEqual(await nav.getByRole('link').allTextContents(), ['Overview', 'Jobs', 'Job types']);

    await page.goto('/#/types');
    await page.getByRole('heading', { name: /test\.gated/ }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Create job' }).count(), 0);

    await page.goto('/#/jobs');
    await page.locator(`tr[data-job-id="${blocker}"]`).waitFor();
    assert.equal(await page.getByRole('checkbox').count(), 1, 'only the live-updates switch');

    await page.goto('/#/keys');
    await page.getByText('Only an admin key sees the keys.').waitFor();
    // The server agrees: the read session cannot cancel.
    const res = await page.evaluate(
      async (id) => (await fetch(`/api/v1/jobs/${id}/cancel`, { method: 'POST' })).status,
      blocker,
    );
    assert.equal(res, 403);
    await context.close();
  });

  it('refuses a write with the session cookie from another origin (CSRF)', async () => {
    const { page, context } = await newPage(d);
    await signIn(page, d.key);
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'longrun_session');
    assert.ok(session?.httpOnly, 'the session cookie is HttpOnly');
    assert.equal(session.sameSite, 'Strict');
    assert.equal(await page.evaluate(() => document.cookie), '', 'scripts cannot read it');

    // The browser context's request API sends the context's cookies, like a forged form post would.
    const forged = await context.request.post(`${d.url}/api/v1/jobs/${blocker}/cancel`, {
      headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    });
    assert.equal(forged.status(), 403);
    assert.equal(((await forged.json()) as { error: { code: string } }).error.code, 'csrf_rejected');
    const noOrigin = await context.request.post(`${d.url}/api/v1/jobs/${blocker}/cancel`);
    assert.equal(noOrigin.status(), 403, 'a cookie write that names no origin is refused too');
    assert.equal((await d.api.getJob(blocker)).status, 'running');
    await context.close();
  });

  it('renders XSS payloads in name, input, log line, error and item key as text', async () => {
    const { page, context } = await newPage(d);
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await signIn(page, d.key);
    const scripts = () => page.evaluate(() => document.querySelectorAll('script').length);
    const baseline = await scripts();
    assert.equal(baseline, 1);
    const inert = async (where: string) => {
      assert.equal(await scripts(), baseline, `no script element added on ${where}`);
      const injected = await page.evaluate(() => ({
        img: document.querySelectorAll('img').length,
        svgOnload: document.querySelectorAll('svg[onload], [onerror], [onload]').length,
        escape: ['\x1b', '\\u001b['].some((e) => document.body.textContent?.includes(e)),
      }));
      assert.deepEqual(injected, { img: 0, svgOnload: 0, escape: false }, where);
    };

    await page.goto('/#/jobs?category=ai');
    const row = page.locator(`tr[data-job-id="${xss}"]`);
    await row
      .getByText('xss <img src=x onerror=alert(1)><script>alert(2)</script>', { exact: false })
      .waitFor();
    await inert('the jobs list');

    await page.goto(`/#/jobs/${xss}`);
    const visible = (text: string) => page.getByText(text, { exact: false }).first().waitFor();
    await visible('job error <img src=x onerror=alert(1)>'); // the job's error
    await visible('item error <img src=x onerror=alert(1)>'); // an item's error
    await visible('key <img src=x onerror=alert(1)>'); // an item's key
    await page
      .getByRole('region', { name: 'Log lines' })
      .getByText('RED&amp; red', { exact: false })
      .waitFor();
    await page.locator('.json pre').getByText('<svg onload=alert(3)>', { exact: false }).waitFor();
    await inert('the job page');
    await screenshot(page, 'job-xss-light');

    await page.goto('/#/');
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await inert('the overview');
    // Whatever a payload could run would need an element that none of the views added (checked
    // above); one more frame lets any queued handler run before the dialogs are counted.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
    assert.deepEqual(dialogs, []);
    await context.close();
  });
});
