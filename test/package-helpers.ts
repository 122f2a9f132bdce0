/**
 * An outside project for test/package.test.ts: `npm pack` of this repository, installed from the
 * tarball into a fresh folder outside it, and `npx longrun` run there as a user would.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { ROOT } from './cli-helpers.ts';
import { waitFor } from './helpers.ts';

const exec = promisify(execFile);

/**
 * The environment of a shell in the outside project: none of the `npm_*` variables that `npm test`
 * sets (they would point a nested npm at this repository), and none of our own settings (CI exports
 * DATABASE_URL, which would send `longrun serve` to PostgreSQL).
 */
export function outsideEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(npm_|LONGRUN_|DATABASE_URL$|NODE_OPTIONS$)/i.test(k)) env[k] = v;
  }
  return { ...env, LONGRUN_LOG_LEVEL: 'warn', ...extra };
}

export async function run(cmd: string, args: string[], cwd: string, env = outsideEnv()) {
  try {
    const { stdout, stderr } = await exec(cmd, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

export interface Packed {
  tarball: string;
  files: string[];
  size: number;
  unpackedSize: number;
}

/** `npm pack` (its `prepare` builds dist/) into `dest`. */
export async function pack(dest: string): Promise<Packed> {
  const res = await run('npm', ['pack', '--json', '--pack-destination', dest], ROOT);
  if (res.code !== 0) throw new Error(`npm pack failed:\n${res.stderr}`);
  // `prepare` prints tsc's output before the JSON.
  const info = (JSON.parse(res.stdout.slice(res.stdout.indexOf('['))) as PackInfo[])[0]!;
  return {
    tarball: join(dest, info.filename),
    files: info.files.map((f) => f.path),
    size: info.size,
    unpackedSize: info.unpackedSize,
  };
}

interface PackInfo {
  filename: string;
  size: number;
  unpackedSize: number;
  files: { path: string }[];
}

/**
 * A new project with the tarball (and `extra` packages) installed from the npm cache where it can.
 * Install scripts are skipped and better-sqlite3's native addon is copied from this checkout: its
 * two-minute compile is better-sqlite3's install, not ours, and would run once per test run.
 */
export async function outsideProject(tarball: string, extra: string[]): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'longrun-consumer-'));
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  );
  await npmInstall(dir, [tarball, ...extra]);
  cpSync(
    join(ROOT, 'node_modules', 'better-sqlite3', 'build'),
    join(dir, 'node_modules', 'better-sqlite3', 'build'),
    {
      recursive: true,
    },
  );
  return dir;
}

export async function npmInstall(dir: string, packages: string[]): Promise<void> {
  const args = ['install', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund', ...packages];
  const res = await run('npm', args, dir);
  if (res.code !== 0) throw new Error(`npm ${args.join(' ')} failed:\n${res.stderr}`);
}

export interface Running {
  proc: ChildProcess;
  stdout: string[];
  stderr: string[];
  /**
   * Sends SIGTERM to the process group (npx, its shell and the `longrun` they started) and resolves
   * with the exit code of the process spawned once the whole group is gone. npx itself may die of
   * the signal (code null) while the CLI under it drains and exits on its own.
   */
  stop(): Promise<number | null>;
}

/** `npx longrun …args` in `dir`. */
export function npxLongrun(dir: string, args: string[]): Running {
  return spawnIn(dir, 'npx', ['longrun', ...args]);
}

/** A command in `dir`, in its own process group so that stopping `npx` reaches the CLI it ran too. */
export function spawnIn(dir: string, cmd: string, args: string[], env = outsideEnv()): Running {
  const proc = spawn(cmd, args, { cwd: dir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout: string[] = [];
  const stderr: string[] = [];
  createInterface({ input: proc.stdout! }).on('line', (l) => stdout.push(l));
  createInterface({ input: proc.stderr! }).on('line', (l) => stderr.push(l));
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  return {
    proc,
    stdout,
    stderr,
    stop: async () => {
      if (proc.exitCode === null) signalGroup(proc.pid!, 'SIGTERM');
      const code = await exited;
      await waitFor('every process of the group to exit', () => !signalGroup(proc.pid!, 0), 30_000, 50);
      return code;
    },
  };
}

/** False once no process of the group is left. */
function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** The URL and the first-start admin key that `longrun serve` prints. */
export async function banner(server: Running): Promise<{ url: string; key: string }> {
  const text = () => server.stdout.join('\n');
  try {
    const url = await waitFor(
      'the server URL',
      () => text().match(/listening on (http:\/\/\S+)/)?.[1],
      30_000,
    );
    const key = await waitFor(
      'the admin key',
      () => text().match(/Admin API key[^:]*: (lr_\w+)/)?.[1],
      10_000,
    );
    return { url, key };
  } catch (err) {
    await server.stop();
    throw new Error(`${(err as Error).message}\nstdout:\n${text()}\nstderr:\n${server.stderr.join('\n')}`);
  }
}

/** Creates a job over HTTP and waits for it to end; returns the job as the API shows it then. */
export async function runJobOverHttp(
  url: string,
  key: string,
  body: { type: string; input: unknown },
): Promise<{
  status: string;
  progress: { total: number; completed: number; failed: number };
  result: unknown;
}> {
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const created = await fetch(`${url}/api/v1/jobs`, { method: 'POST', headers, body: JSON.stringify(body) });
  if (created.status !== 201) throw new Error(`create answered ${created.status}: ${await created.text()}`);
  const { id } = (await created.json()) as { id: string };
  return waitFor(
    `job ${id} to end`,
    async () => {
      const job = (await (await fetch(`${url}/api/v1/jobs/${id}`, { headers })).json()) as Awaited<
        ReturnType<typeof runJobOverHttp>
      >;
      return ['completed', 'failed', 'cancelled'].includes(job.status) ? job : undefined;
    },
    30_000,
    50,
  );
}
