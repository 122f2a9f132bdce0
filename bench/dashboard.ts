/**
 * `npm run bench -- dashboard` (acceptance 7): with 1,000,000 jobs in a SQLite store, the time from
 * navigation to the jobs page's first rows in Debian's Chromium, against the real `longrun serve`
 * (`--workers 0`, so nothing moves while it is measured). Each figure is the median of RUNS, read
 * in the page: `performance.now()` (ms since the navigation started) when the first row is in the
 * document, checked every animation frame.
 *
 * - warm: a new tab of a signed-in browser (assets cached, as on every visit after the first);
 * - cold: a new browser context holding only the session cookie (everything downloaded);
 * - in app: from the overview to the jobs page by its link (no page load);
 * - filtered: a warm load of `#/jobs?status=pending&category=seo`.
 *
 * Run alone with `npx tsx bench/dashboard.ts`. LONGRUN_BENCH_DASHBOARD_JOBS changes the size.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import type { BrowserContext, Page } from 'playwright-core';
import { createLongrun } from '../src/engine/longrun.ts';
import { createSqliteStore } from '../src/store/sqlite/index.ts';
import { spawnServe } from '../test/cli-helpers.ts';
import { launchChromium } from '../test/web-helpers.ts';
import { benchJobs, CATEGORIES } from './jobs.ts';

type Figures = Record<string, number | string>;

const JOBS = Number(process.env.LONGRUN_BENCH_DASHBOARD_JOBS ?? 1_000_000);
const RUNS = 7;
const ROOT = join(import.meta.dirname, '..');
const FIRST_ROW = 'table.jobs tbody tr';

async function fill(db: string): Promise<number> {
  const started = performance.now();
  const store = await createSqliteStore({ path: db });
  const longrun = createLongrun({ store, jobs: benchJobs });
  try {
    for (let done = 0; done < JOBS; ) {
      const n = Math.min(10_000, JOBS - done);
      await longrun.enqueueMany(
        Array.from({ length: n }, (_, k) => ({
          type: `bench.${CATEGORIES[(done + k) % CATEGORIES.length]}`,
          input: { i: done + k },
        })),
      );
      done += n;
    }
  } finally {
    await store.close();
  }
  // The WAL into the file, so the bulk load's writeback does not run during the measurement.
  const raw = new Database(db);
  raw.pragma('wal_checkpoint(TRUNCATE)');
  raw.close();
  return performance.now() - started;
}

/** ms from the navigation's start to the first row in the document, read in the page. */
async function firstRows(page: Page, hash: string): Promise<number> {
  await page.goto(`/${hash}`);
  const t = await page.waitForFunction(
    (sel) => (document.querySelector(sel) ? performance.now() : false),
    FIRST_ROW,
    { polling: 'raf', timeout: 30_000 },
  );
  return (await t.jsonValue()) as number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.floor(s.length / 2)] ?? Number.NaN);
}

async function repeat(fn: () => Promise<number>): Promise<number> {
  await fn(); // warm-up: the server's first queries load pages of the file into memory
  const xs: number[] = [];
  for (let i = 0; i < RUNS; i++) xs.push(await fn());
  return median(xs);
}

export async function benchDashboard(): Promise<Figures> {
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-web.mjs')], { stdio: 'ignore' });
  const dir = mkdtempSync(join(tmpdir(), 'longrun-bench-dashboard-'));
  const db = join(dir, 'dashboard.db');
  const fillMs = await fill(db);
  const server = await spawnServe([
    '--port',
    '0',
    '--host',
    '127.0.0.1',
    '--db',
    db,
    '--workers',
    '0',
    '--rate-limit',
    'off',
    '--no-examples',
    '--jobs',
    join(import.meta.dirname, 'jobs.ts'),
  ]);
  const browser = await launchChromium();
  try {
    if (!server.key) throw new Error('longrun serve printed no admin key');
    const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    await page.goto('/');
    await page.getByLabel('API key').fill(server.key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    const cookies = await context.cookies();

    const warm = async (hash: string) => {
      const tab = await context.newPage();
      try {
        return await firstRows(tab, hash);
      } finally {
        await tab.close();
      }
    };
    const cold = async () => {
      const fresh: BrowserContext = await browser.newContext({ baseURL: server.url });
      await fresh.addCookies(cookies);
      try {
        return await firstRows(await fresh.newPage(), '#/jobs');
      } finally {
        await fresh.close();
      }
    };
    const inApp = async () => {
      await page.goto('/#/');
      await page.getByRole('heading', { name: 'Overview' }).waitFor();
      const t0 = await page.evaluate(() => performance.now());
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Jobs' }).click();
      const t = await page.waitForFunction(
        (sel) => (document.querySelector(sel) ? performance.now() : false),
        FIRST_ROW,
        { polling: 'raf' },
      );
      return ((await t.jsonValue()) as number) - t0;
    };

    const size = JOBS.toLocaleString('en-US');
    return {
      'jobs in the store': size,
      'filling the store (s)': Math.round(fillMs / 100) / 10,
      'jobs page, first rows after navigation, warm tab (ms)': await repeat(() => warm('#/jobs')),
      'jobs page, first rows after navigation, cold context (ms)': await repeat(cold),
      'jobs page, first rows, in-app link from the overview (ms)': await repeat(inApp),
      'jobs page ?status=pending&category=seo, warm tab (ms)': await repeat(() =>
        warm('#/jobs?status=pending&category=seo'),
      ),
    };
  } finally {
    await browser.close().catch(() => {});
    server.proc.kill('SIGTERM');
    await server.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = await benchDashboard();
  for (const [k, v] of Object.entries(figures)) console.log(`${k}: ${v}`);
}
