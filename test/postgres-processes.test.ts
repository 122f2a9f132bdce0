/**
 * Longrun on PostgreSQL across real OS processes: four workers sharing 20,000 jobs, a worker killed
 * mid-run, a cancel through one API process reaching a worker in another, SSE on one API process
 * carrying progress from a worker elsewhere, and the API and workers while the database is away.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LongrunClient } from '../src/client/index.ts';
import { createLongrun, type Longrun } from '../src/engine/longrun.ts';
import { createPostgresStore } from '../src/store/postgres/index.ts';
import type { Store } from '../src/store/types.ts';
import { type Server, startServe } from './cli-helpers.ts';
import { testJobs } from './fixtures/test-jobs.ts';
import { tempDir, waitFor } from './helpers.ts';
import { PgProxy, startWorker, type WorkerProc } from './pg-helpers.ts';
import { dropSchema, newSchemaName, PG_URL, pgSkipReason, withAdmin } from './store-postgres-helpers.ts';

const skip = await pgSkipReason();

function completedCount(counts: { status: string; count: number }[]): number {
  return counts.filter((c) => c.status === 'completed').reduce((s, c) => s + c.count, 0);
}

describe('PostgreSQL across processes', { skip }, () => {
  let tmp: ReturnType<typeof tempDir>;
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  before(() => {
    tmp = tempDir();
  });
  after(async () => {
    for (const c of cleanups.reverse()) await c();
    tmp.cleanup();
  });

  async function setup(
    name: string,
  ): Promise<{ schema: string; db: string; store: Store; longrun: Longrun; trace: string }> {
    const schema = newSchemaName();
    const store = await createPostgresStore({ connectionString: PG_URL, schema });
    cleanups.push(() => dropSchema(schema));
    cleanups.push(() => store.close());
    const trace = join(tmp.dir, `${name}.trace`);
    return {
      schema,
      db: `${PG_URL}?schema=${schema}`,
      store,
      longrun: createLongrun({ store, jobs: testJobs }),
      trace,
    };
  }

  function track(w: WorkerProc): WorkerProc {
    cleanups.push(async () => {
      if (w.proc.exitCode === null) w.proc.kill('SIGKILL');
      await w.exited;
    });
    return w;
  }

  function trackServer(s: Server): Server {
    cleanups.push(async () => {
      if (s.proc.exitCode === null) s.proc.kill('SIGKILL');
      await s.exited;
    });
    return s;
  }

  it('four worker processes complete 20,000 jobs, no attempt claimed twice', async () => {
    const { db, store, longrun, trace } = await setup('four');
    const ids = await longrun.enqueueMany(
      Array.from({ length: 20_000 }, (_, n) => ({ type: 'test.noop', input: { n } })),
    );
    const workers = [1, 2, 3, 4].map(() =>
      track(startWorker(db, { LONGRUN_TRACE: trace }, ['--concurrency', '100'])),
    );
    await waitFor(
      '20,000 completed',
      async () => completedCount(await store.jobCounts({ workspaceId: 'default' })) === 20_000,
      120_000,
      200,
    );
    for (const w of workers) w.proc.kill('SIGTERM');
    assert.deepEqual(await Promise.all(workers.map((w) => w.exited)), [0, 0, 0, 0]);
    const runs = readFileSync(trace, 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(' '));
    assert.equal(runs.length, 20_000, 'each job ran once');
    assert.equal(new Set(runs.map((r) => r[1])).size, 20_000);
    assert.deepEqual(new Set(runs.map((r) => r[1])), new Set(ids));
    assert.ok(
      runs.every((r) => r[2] === '1'),
      'every job on its first attempt',
    );
    assert.ok(new Set(runs.map((r) => r[3])).size >= 2, 'several processes took part');
  });

  it('kill -9 of one worker mid-run loses no job; the others recover its jobs within lease + sweep', async () => {
    const { db, store, longrun } = await setup('kill');
    await longrun.enqueueMany(
      Array.from({ length: 400 }, () => ({ type: 'test.slow', input: { items: 4, itemMs: 25 } })),
    );
    const leaseMs = 3_000;
    const workers = [1, 2, 3].map(() =>
      track(startWorker(db, {}, ['--concurrency', '10', '--lease-ms', String(leaseMs)])),
    );
    await waitFor(
      'some jobs done',
      async () => completedCount(await store.jobCounts({ workspaceId: 'default' })) >= 50,
      60_000,
      50,
    );
    workers[0]!.proc.kill('SIGKILL');
    const killedAt = await store.clockNow();
    await workers[0]!.exited;
    await waitFor(
      'all 400 completed',
      async () => completedCount(await store.jobCounts({ workspaceId: 'default' })) === 400,
      120_000,
      100,
    );
    const killedPrefix = `w-${workers[0]!.proc.pid}-`;
    const crashed: { endedAt: number; next: number }[] = [];
    for (let cursor: string | undefined; ; ) {
      const page = await longrun.listJobs({ limit: 100, cursor });
      for (const job of page.jobs) {
        if (job.attempt === 1) continue;
        const attempts = await store.attemptList({ jobId: job.id });
        assert.equal(attempts[0]?.outcome, 'crashed');
        assert.equal(attempts.at(-1)?.outcome, 'completed');
        // A loaded machine may also let a live worker's lease lapse; time only the killed one's.
        if (attempts[0]?.workerId?.startsWith(killedPrefix)) {
          crashed.push({ endedAt: attempts[0].endedAt!, next: attempts[1]!.startedAt });
        }
      }
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    assert.ok(
      crashed.length > 0 && crashed.length <= 10,
      `${crashed.length} jobs of the killed worker recovered`,
    );
    const lastRecovery = Math.max(...crashed.map((c) => c.next));
    // Lease 3 s + the reapers' 1 s sweep, with room for a loaded machine.
    assert.ok(
      lastRecovery - killedAt < leaseMs + 1_000 + 3_000,
      `recovered ${lastRecovery - killedAt} ms after the kill`,
    );
    for (const w of workers.slice(1)) w.proc.kill('SIGTERM');
  });

  it('a cancel through API process A stops the job on worker process B, and SSE on A carries B’s progress', async () => {
    const { db, store, longrun } = await setup('cancel');
    // The API process registers no job types, so only the worker process can run these jobs.
    const api = trackServer(await startServe(db, ['--no-examples'], { examples: true }));
    const client = new LongrunClient({ url: api.url, key: api.key! });
    track(startWorker(db, {}, ['--concurrency', '4']));

    const { job: watched } = await longrun.enqueue('test.slow', { items: 20, itemMs: 20 });
    const events: { event: string; data: unknown }[] = [];
    for await (const e of client.jobEvents(watched.id)) events.push({ event: e.event, data: e.data });
    const progress = events.filter((e) => e.event === 'progress');
    assert.ok(progress.length >= 1, 'progress events from the other process arrived');
    assert.equal((progress.at(-1)?.data as { completed: number } | undefined)?.completed, 20);
    assert.ok(
      events.some((e) => e.event === 'status' && (e.data as { status: string }).status === 'completed'),
    );

    const { job } = await longrun.enqueue('test.slow', { items: 400, itemMs: 25 });
    await waitFor(
      'the job to make progress on the worker',
      async () => (await client.getJob(job.id)).progress.completed >= 5,
      30_000,
      20,
    );
    const res = await client.cancelJob(job.id);
    assert.deepEqual(res, { id: job.id, status: 'cancelled' });
    const stopped = await waitFor(
      'the worker to stop',
      async () => {
        const j = await client.getJob(job.id);
        return j.completedAt !== null ? j : null;
      },
      10_000,
      20,
    );
    assert.equal(stopped.status, 'cancelled');
    assert.ok(stopped.progress.completed < 400, `stopped after ${stopped.progress.completed} items`);
    // Stopped promptly: within a few items of the cancel, not at the end of the job.
    assert.ok(stopped.completedAt! - stopped.cancelRequestedAt! < 2_000);
    assert.equal(stopped.attempts.at(-1)?.outcome, 'cancelled');
    assert.notEqual(stopped.attempts.at(-1)?.workerId, null);
    await store.close();
  });

  it('while the database is unreachable the API answers 503 at once, a worker stops committing, and both recover', async () => {
    const { schema, store, longrun } = await setup('partition');
    const proxy = new PgProxy();
    await proxy.start();
    cleanups.push(() => proxy.cut());
    const api = trackServer(await startServe(proxy.url(schema), ['--no-examples'], { examples: true }));
    const client = new LongrunClient({ url: api.url, key: api.key! });
    const leaseMs = 3_000;
    const worker = track(
      startWorker(proxy.url(schema), {}, ['--concurrency', '2', '--lease-ms', String(leaseMs)]),
    );
    const { job } = await longrun.enqueue('test.slow', { items: 1_000, itemMs: 20 });
    await waitFor(
      'the job to run on the partitioned worker',
      async () => (await client.getJob(job.id)).progress.completed > 0,
      30_000,
      20,
    );

    await proxy.cut();
    const cutAt = Date.now();
    const res = await fetch(`${api.url}/api/v1/jobs`, {
      headers: { authorization: `Bearer ${api.key}` },
      signal: AbortSignal.timeout(10_000),
    });
    assert.equal(res.status, 503);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'store_unavailable');
    assert.ok(Date.now() - cutAt < 8_000, 'a 503, not a hang');
    assert.equal((await fetch(`${api.url}/readyz`, { signal: AbortSignal.timeout(10_000) })).status, 503);

    // The worker gives the job up before its lease could expire: compare the time of its log line
    // with the expiry the database holds (nobody can renew it through the cut).
    const dropLine = await waitFor(
      'the worker to drop the job it cannot renew',
      () => worker.stderr.find((l) => l.includes('could not be renewed')),
      leaseMs * 3,
      20,
    );
    const droppedAt = (JSON.parse(dropLine) as { time: number }).time;
    const expiry = await withAdmin(async (c) => {
      const r = await c.query('SELECT lease_expires_at FROM jobs WHERE id = $1', [job.id]);
      return Number(r.rows[0]?.lease_expires_at);
    }, schema);
    assert.ok(droppedAt < expiry, `dropped ${expiry - droppedAt} ms before the lease expired`);
    // Everything attempt 1 has written, read directly (not through the proxy): its items and all its
    // events (progress, steps, log lines). The cut closed its connections before this read, and the
    // worker has since given the job up, so what it still holds in memory (the items it finished
    // during the cut) must never land: neither now nor once it is back on the network.
    const attemptOneRows = () =>
      withAdmin(async (c) => {
        const items = await c.query(
          'SELECT step, key, status, updated_at FROM job_items WHERE job_id = $1 AND attempt = 1 ORDER BY step, key',
          [job.id],
        );
        const events = await c.query(
          'SELECT id, kind, level, message, data, created_at FROM job_events WHERE job_id = $1 AND attempt = 1 ORDER BY id',
          [job.id],
        );
        return { items: items.rows, events: events.rows };
      }, schema);
    const frozen = await attemptOneRows();
    assert.ok(frozen.items.length > 0, 'attempt 1 had finished items before the cut');
    assert.ok(
      frozen.events.some((e) => e.kind === 'progress'),
      'attempt 1 had reported progress before the cut',
    );

    await proxy.restore();
    await waitFor(
      'the API to answer again',
      async () => (await fetch(`${api.url}/readyz`)).status === 200,
      30_000,
      200,
    );
    // The partitioned worker recovers the job as a new attempt once the lease expires.
    const recovered = await waitFor(
      'the job to be recovered',
      async () => {
        const j = await client.getJob(job.id);
        return j.attempt >= 2 ? j : null;
      },
      30_000,
      100,
    );
    assert.equal(recovered.attempts[0]?.outcome, 'crashed');
    const lostAt = recovered.attempts[0]!.endedAt!;
    // The same worker process runs attempt 2: it is back on the network and committing.
    await waitFor(
      'attempt 2 to finish items of its own',
      () =>
        withAdmin(async (c) => {
          const r = await c.query('SELECT 1 FROM job_items WHERE job_id = $1 AND attempt = 2 LIMIT 1', [
            job.id,
          ]);
          return r.rows.length > 0;
        }, schema),
      30_000,
      50,
    );
    await client.cancelJob(job.id);
    await waitFor(
      'the worker to stop attempt 2',
      async () => (await client.getJob(job.id)).completedAt !== null,
      10_000,
      50,
    );
    // Once the worker process has exited, nothing it held can land any more: what is stored now is
    // final, whatever the timing.
    worker.proc.kill('SIGTERM');
    assert.equal(await worker.exited, 0);

    const final = await attemptOneRows();
    assert.deepEqual(final.items, frozen.items, 'no item of attempt 1 was written after the cut');
    assert.deepEqual(
      final.events.slice(0, frozen.events.length),
      frozen.events,
      "attempt 1's events are unchanged",
    );
    // The only rows of attempt 1 after the cut are the two the reaper wrote when it took the lease
    // away: its warning line and the status change back to pending. No progress, step or log line of
    // attempt 1 landed, before the reap or after it.
    assert.deepEqual(
      final.events.slice(frozen.events.length).map((e) => ({
        kind: e.kind,
        level: e.level,
        at: Number(e.created_at),
      })),
      [
        { kind: 'log', level: 'warn', at: lostAt },
        { kind: 'status', level: null, at: lostAt },
      ],
    );
    const logs = await store.logList({ jobId: job.id, limit: 1_000 });
    assert.ok(
      logs.some((l) => l.attempt === 1 && /attempt 1 crashed/.test(l.message)),
      "the reaper's line for attempt 1",
    );
    assert.ok(
      logs.some((l) => l.attempt === 2 && /attempt 2 starting/.test(l.message)),
      'attempt 2 logged its start',
    );
  });
});
