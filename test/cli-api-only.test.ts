/**
 * `longrun serve --workers 0`: an API process that runs no jobs, beside `longrun worker` processes
 * on the same store (here a SQLite file; the same holds on PostgreSQL).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LongrunClient } from '../src/client/index.ts';
import { createLongrun } from '../src/engine/longrun.ts';
import { createSqliteStore } from '../src/store/sqlite/index.ts';
import { cli, type Server, startServe } from './cli-helpers.ts';
import { testJobs } from './fixtures/test-jobs.ts';
import { tempDir, waitFor } from './helpers.ts';
import { startWorker, type WorkerProc } from './pg-helpers.ts';

describe('longrun serve --workers 0 (API only)', () => {
  const tmp = tempDir('longrun-api-only-');
  const db = join(tmp.dir, 'api.db');
  let server: Server;
  let worker: WorkerProc | null = null;
  let waiting: string;
  before(async () => {
    // A job already pending when serve starts. A worker pool claims as it starts (`pool.start()`
    // wakes it), and on SQLite that claim commits synchronously inside `startWorkers`, before
    // serve prints its URL: had serve started a pool, this job would be running by the time
    // `startServe` returns. No waiting involved.
    const store = await createSqliteStore({ path: db });
    waiting = (await createLongrun({ store, jobs: testJobs }).enqueue('test.slow', { items: 2, itemMs: 5 }))
      .job.id;
    await store.close();
    server = await startServe(db, ['--workers', '0']);
  });
  after(async () => {
    if (server.proc.exitCode === null) server.proc.kill('SIGKILL');
    if (worker && worker.proc.exitCode === null) worker.proc.kill('SIGKILL');
    tmp.cleanup();
  });

  it('accepts jobs without running them; a separate worker process runs them', async () => {
    const client = new LongrunClient({ url: server.url, key: server.key! });
    const before = await client.getJob(waiting);
    assert.equal(before.status, 'pending', 'serve claimed nothing when it started');
    assert.equal(before.attempt, 0);
    assert.deepEqual(before.attempts, []);

    const { job } = await client.createJob({ type: 'test.slow', input: { items: 3, itemMs: 10 } });
    assert.equal(job.status, 'pending');

    worker = startWorker(db, {}, ['--concurrency', '2']);
    const workerPrefix = `w-${worker.proc.pid}-`;
    for (const [id, items] of [
      [waiting, 2],
      [job.id, 3],
    ] as const) {
      const done = await waitFor('the worker process to run it', async () => {
        const j = await client.getJob(id);
        return j.status === 'completed' ? j : null;
      });
      assert.deepEqual(done.progress, { total: items, completed: items, failed: 0 });
      // One attempt, claimed by the worker process: serve never ran (or even claimed) either job.
      assert.equal(done.attempts.length, 1);
      assert.ok(
        done.attempts[0]?.workerId?.startsWith(workerPrefix),
        `claimed by ${done.attempts[0]?.workerId}, not by the worker process (${workerPrefix}…)`,
      );
    }
  });

  it('refuses a worker with nothing to run at once', async () => {
    const res = await cli(['worker', '--db', db, '--no-examples', '--concurrency', '0']);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /--concurrency must be at least 1/);
  });
});
