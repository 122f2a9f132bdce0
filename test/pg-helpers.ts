/** Multi-process PostgreSQL tests: `longrun worker` children, and a TCP proxy the test can cut. */
import { type ChildProcess, spawn } from 'node:child_process';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { BIN, JOBS, ROOT } from './cli-helpers.ts';

export interface WorkerProc {
  proc: ChildProcess;
  stderr: string[];
  exited: Promise<number | null>;
}

/** `longrun worker` running the test job types (test/fixtures/test-jobs.ts, or `jobs`). */
export function startWorker(
  db: string,
  env: Record<string, string>,
  extra: string[] = [],
  jobs = JOBS,
): WorkerProc {
  const proc = spawn(
    process.execPath,
    [BIN, 'worker', '--db', db, '--no-examples', '--jobs', jobs, ...extra],
    {
      cwd: ROOT,
      env: { ...process.env, LONGRUN_LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const stderr: string[] = [];
  createInterface({ input: proc.stderr! }).on('line', (l) => stderr.push(l));
  return { proc, stderr, exited: new Promise((r) => proc.on('exit', (code) => r(code))) };
}

/**
 * A TCP proxy in front of PostgreSQL. `cut()` closes it and every connection through it, as a
 * network partition would; `restore()` listens again on the same port.
 */
export class PgProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  port = 0;

  async start(port = 0): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(5432, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => {});
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((r) => this.server!.listen(port, '127.0.0.1', r));
    this.port = (this.server.address() as { port: number }).port;
  }

  async cut(): Promise<void> {
    const closed = new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    for (const s of this.sockets) s.destroy();
    await closed;
    this.server = null;
  }

  restore(): Promise<void> {
    return this.start(this.port);
  }

  url(schema: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/test?schema=${schema}`;
  }
}
