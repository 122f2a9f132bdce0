/** Runs the real `longrun` binary in child processes for the CLI tests. */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { waitFor } from './helpers.ts';

export const ROOT = join(import.meta.dirname, '..');
/** The CLI from source (scripts/longrun-src.js): tests load TypeScript job modules. */
export const BIN = join(ROOT, 'scripts', 'longrun-src.js');
export const JOBS = join(ROOT, 'test', 'fixtures', 'test-jobs.ts');
/** The test types plus two with concurrency limits (flow-jobs.ts). */
export const FLOW_JOBS = join(ROOT, 'test', 'fixtures', 'flow-jobs.ts');
const run = promisify(execFile);

export interface Server {
  proc: ChildProcess;
  url: string;
  key: string | null;
  stdout: string[];
  stderr: string[];
  exited: Promise<number | null>;
}

/** `longrun serve` on a free port; resolves once it printed its banner. */
export function startServe(
  db: string,
  extra: string[] = [],
  opts: { cwd?: string; examples?: boolean; jobs?: string } = {},
): Promise<Server> {
  const examples = opts.examples ? [] : ['--no-examples', '--jobs', opts.jobs ?? JOBS];
  const args = ['--port', '0', '--host', '127.0.0.1', '--db', db, '--workers', '4', ...examples, ...extra];
  return spawnServe(args, { cwd: opts.cwd });
}

/** `longrun serve` with exactly these arguments, environment additions and working directory. */
export async function spawnServe(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string> } = {},
): Promise<Server> {
  const proc = spawn(process.execPath, [BIN, 'serve', ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, LONGRUN_LOG_LEVEL: 'info', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  createInterface({ input: proc.stderr! }).on('line', (l) => stderr.push(l));
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  const lines = createInterface({ input: proc.stdout! });
  lines.on('line', (l) => stdout.push(l));
  let url: string;
  try {
    url = await waitFor(
      'the server to print its URL',
      () => stdout.join('\n').match(/listening on (http:\/\/\S+)/)?.[1],
      30_000,
    );
    // The key line, when there is one, is printed right after the URL line and before "Try:" / the hint.
    await waitFor(
      'the startup banner',
      () => stdout.some((l) => /Try: curl|longrun keys create/.test(l)),
      10_000,
    );
  } catch (err) {
    // A server that never came up must not outlive the test that started it.
    proc.kill('SIGKILL');
    throw new Error(`${(err as Error).message}\nstderr:\n${stderr.join('\n')}`);
  }
  const key = stdout.join('\n').match(/Admin API key \(shown once, store it now\): (lr_\w+)/)?.[1] ?? null;
  return { proc, url, key, stdout, stderr, exited };
}

export async function cli(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
