/**
 * Plumbing for the dashboard's browser tests: the built dashboard, a real `longrun serve` with the
 * test job types, Debian's Chromium through playwright-core, signing in, and screenshots into
 * test-results/.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { LongrunClient } from '../src/client/index.ts';
import { ROOT, type Server, startServe } from './cli-helpers.ts';
import { tempDir } from './helpers.ts';

export const RESULTS = join(ROOT, 'test-results');
const CHROMIUM = process.env.LONGRUN_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Debian's Chromium, headless. Without the background-networking flags it keeps trying hosts this
 * closed network refuses; as root it needs --no-sandbox.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

let built = false;
/** Builds web/ into dist/web once per test process, so the server serves what the sources say. */
export function buildDashboard(): void {
  if (built) return;
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-web.mjs')], { stdio: 'ignore' });
  built = true;
}

export interface Dashboard {
  server: Server;
  url: string;
  /** The admin key the first start printed. */
  key: string;
  /** A Bearer client for setting up and checking through the API. */
  api: LongrunClient;
  browser: Browser;
  close(): Promise<void>;
}

/**
 * `longrun serve` on a new SQLite file with the test job types, and a browser. `prepare` fills the
 * file first, for data the server's own settings would not make (a log past its per-job limit).
 */
export async function startDashboard(
  opts: { args?: string[]; prepare?: (db: string) => Promise<void> } = {},
): Promise<Dashboard> {
  buildDashboard();
  const tmp = tempDir('longrun-web-');
  const db = join(tmp.dir, 'web.db');
  try {
    await opts.prepare?.(db);
  } catch (err) {
    tmp.cleanup();
    throw err;
  }
  const server = await startServe(db, ['--rate-limit', 'off', ...(opts.args ?? [])]);
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close().catch(() => {});
    if (server.proc.exitCode === null) {
      server.proc.kill('SIGTERM');
      const timer = setTimeout(() => server.proc.kill('SIGKILL'), 10_000);
      await server.exited;
      clearTimeout(timer);
    }
    tmp.cleanup();
  };
  try {
    if (!server.key) throw new Error('longrun serve printed no admin key');
    browser = await launchChromium();
    const api = new LongrunClient({ url: server.url, key: server.key });
    return { server, url: server.url, key: server.key, api, browser, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** A fresh browser context (its own cookies) with the given colour scheme. */
export async function newPage(
  d: Dashboard,
  opts: { colorScheme?: 'light' | 'dark'; width?: number; height?: number } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await d.browser.newContext({
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 860 },
    colorScheme: opts.colorScheme ?? 'light',
    baseURL: d.url,
  });
  const page = await context.newPage();
  return { context, page };
}

/** Signs in through the form and waits for the navigation bar. */
export async function signIn(page: Page, key: string, hash = '#/'): Promise<void> {
  await page.goto(`/${hash}`);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(RESULTS, { recursive: true });
  const path = join(RESULTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** The progress bar's aria-valuenow in `scope` (the job page has one). */
export async function progressOf(page: Page, name: string): Promise<number> {
  const v = await page.getByRole('progressbar', { name }).getAttribute('aria-valuenow');
  return Number(v);
}
