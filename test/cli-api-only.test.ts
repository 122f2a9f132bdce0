/**
 * `longrun serve --workers 0`: an API process that runs no jobs, beside `longrun worker` processes
 * on the same store (here a SQLite file; the same holds on PostgreSQL).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LongrunClient } from '../src/client/index.ts';
import { cli, type Server, startServe } from './cli-helpers.ts';
import { tempDir, waitFor } from './helpers.ts';
import { startWorker, type WorkerProc } from './pg-helpers.ts';

describe('longrun serve --workers 0 (API only)', () => {
  const tmp = tempDir('longrun-api-only-');
  const db = join(tmp.dir, 'api.db');
  let server: Server;
  let worker: WorkerProc | null = null;
  before(async () => {
    server = await startServe(db, ['--workers', '0']);
  });
  after(async () => {
    if (server.proc.exitCode === null) server.proc.kill('SIGKILL');
    if (worker && worker.proc.exitCode === null) worker.proc.kill('SIGKILL');
    tmp.cleanup();
  });

  it('accepts jobs without running them; a separate worker process runs them', async () => {
    const client = new LongrunClient({ url: server.url, key: server.key! });
    const { job } = await client.createJob({ type: 'test.slow', input: { items: 3, itemMs: 10 } });
    // An in-process pool would have claimed it at once (an enqueue wakes it), and polls every 500 ms.
    await new Promise((r) => setTimeout(r, 1_000));
    assert.equal((await client.getJob(job.id)).status, 'pending');

    worker = startWorker(db, {}, ['--concurrency', '2']);
    const done = await waitFor('the worker process to run it', async () => {
      const j = await client.getJob(job.id);
      return j.status === 'completed' ? j : null;
    });
    assert.deepEqual(done.progress, { total: 3, completed: 3, failed: 0 });
    assert.notEqual(done.attempts[0]?.workerId, null);
  });

  it('refuses a worker with nothing to run at once', async () => {
    const res = await cli(['worker', '--db', db, '--no-examples', '--concurrency', '0']);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /--concurrency must be at least 1/);
  });
});
