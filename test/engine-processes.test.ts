/**
 * Real OS processes on one SQLite file: a worker killed with SIGKILL mid-job, a worker frozen with
 * SIGSTOP past its lease, and two workers draining 5,000 jobs without ever sharing an attempt.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLongrun, type Longrun } from '../src/engine/longrun.ts';
import { createSqliteStore } from '../src/store/sqlite/index.ts';
import type { Store } from '../src/store/types.ts';
import { testJobs } from './fixtures/test-jobs.ts';
import { spawnWorker, tempDir, waitFor } from './helpers.ts';

function traceLines(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

describe('worker processes on one SQLite file', () => {
  let tmp: ReturnType<typeof tempDir>;
  before(() => {
    tmp = tempDir();
  });
  after(() => tmp.cleanup());

  async function open(name: string): Promise<{ db: string; trace: string; store: Store; longrun: Longrun }> {
    const db = join(tmp.dir, `${name}.db`);
    const trace = join(tmp.dir, `${name}.trace`);
    process.env.LONGRUN_TRACE = trace;
    const store = await createSqliteStore({ path: db });
    return { db, trace, store, longrun: createLongrun({ store, jobs: testJobs }) };
  }

  it('recovers a job from a worker killed with SIGKILL: new attempt, completed step not re-run', async () => {
    const { db, trace, store, longrun } = await open('kill');
    const { job } = await longrun.enqueue('test.slow', { items: 30, itemMs: 20 });
    const a = spawnWorker({ LONGRUN_DB: db, LEASE_MS: '1500', LONGRUN_TRACE: trace });
    await a.line(/^ready$/);
    // Kill once some items are durably recorded, so there is progress to keep.
    await waitFor(
      'items recorded before the kill',
      async () => (await store.itemList({ jobId: job.id, limit: 100 })).length >= 5,
    );
    a.proc.kill('SIGKILL');
    await a.exited;
    const doneBefore = new Set((await store.itemList({ jobId: job.id, limit: 100 })).map((i) => i.key));
    const killedAt = Date.now();

    longrun.start({ concurrency: 2, leaseMs: 1500, reapIntervalMs: 100, pollIntervalMs: 50 });
    const finished = await waitFor('the job to complete on the second worker', async () => {
      const j = await longrun.getJob(job.id);
      return j.status === 'completed' ? j : null;
    });
    const recoveredIn = Date.now() - killedAt;
    await longrun.stop();

    assert.deepEqual(
      finished.attempts.map((x) => x.outcome),
      ['crashed', 'completed'],
    );
    assert.equal(finished.attempt, 2);
    assert.deepEqual(finished.progress, { total: 30, completed: 30, failed: 0 });
    // The lease was 1.5 s; recovery must not wait for much more than that plus a sweep.
    assert.ok(recoveredIn < 1500 + 3000, `recovered in ${recoveredIn} ms`);
    const lines = traceLines(trace);
    assert.equal(lines.filter((l) => l.startsWith('prepare ')).length, 1, 'the completed step ran once');
    const rerun = lines.filter((l) => / 2 \d+$/.test(l) && l.startsWith('item ')).map((l) => l.split(' ')[1]);
    for (const key of rerun)
      assert.ok(!doneBefore.has(key!), `item ${key} was completed before the crash and ran again`);
    assert.ok(finished.logs.some((l) => /attempt 1 crashed/.test(l.message)));
    await store.close();
  });

  it('a worker frozen past its lease and then resumed changes nothing', async () => {
    const { db, trace, store, longrun } = await open('freeze');
    const { job } = await longrun.enqueue('test.slow', { items: 40, itemMs: 25 });
    const a = spawnWorker({ LONGRUN_DB: db, LEASE_MS: '800', LONGRUN_TRACE: trace });
    await a.line(/^ready$/);
    await waitFor(
      'a few items recorded',
      async () => (await store.itemList({ jobId: job.id, limit: 100 })).length >= 3,
    );
    a.proc.kill('SIGSTOP');

    longrun.start({ concurrency: 2, leaseMs: 800, reapIntervalMs: 100, pollIntervalMs: 50 });
    await waitFor(
      'the job to complete on the second worker',
      async () => (await longrun.getJob(job.id)).status === 'completed',
    );
    await longrun.stop();
    const snapshot = async () => ({
      job: await store.jobGet({ workspaceId: 'default', id: job.id }),
      items: await store.itemList({ jobId: job.id, limit: 1000 }),
      events: await store.eventList({ workspaceId: 'default', jobId: job.id, after: 0, limit: 10_000 }),
      attempts: await store.attemptList({ jobId: job.id }),
    });
    const frozen = await snapshot();

    a.proc.kill('SIGCONT');
    // The resumed worker finds out at its next flush or heartbeat that its lease is gone.
    await a.line(new RegExp(`^lease-lost ${job.id}$`));
    a.proc.kill('SIGTERM');
    await a.exited;
    assert.deepEqual(await snapshot(), frozen);
    assert.deepEqual(
      frozen.attempts.map((x) => x.outcome),
      ['crashed', 'completed'],
    );
    await store.close();
  });

  it('two processes draining 5,000 jobs never run the same attempt twice', async () => {
    const { db, trace, store, longrun } = await open('two');
    // Both running before the jobs exist, polling often, and jobs of 10 ms: another process's
    // enqueue reaches a worker only through its poll, and one process drained 5,000 instant jobs in
    // under half a second, so a worker that started or polled late (or waited on the write lock)
    // could find nothing left. At 50 at a time, one process now needs a second at least.
    const workers = [1, 2].map(() =>
      spawnWorker({ LONGRUN_DB: db, CONCURRENCY: '50', LONGRUN_TRACE: trace, POLL_MS: '20' }),
    );
    await Promise.all(workers.map((w) => w.line(/^ready$/)));
    const ids = await longrun.enqueueMany(
      Array.from({ length: 5_000 }, (_, n) => ({ type: 'test.noop', input: { n, ms: 10 } })),
    );
    await waitFor(
      'all 5,000 jobs completed',
      async () =>
        (await store.jobCounts({ workspaceId: 'default' })).find((c) => c.status === 'completed')?.count ===
        5_000,
      60_000,
      100,
    );
    for (const w of workers) w.proc.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.exited));
    const runs = traceLines(trace).map((l) => l.split(' '));
    assert.equal(runs.length, 5_000, 'each job ran exactly once');
    const seen = new Set(runs.map((r) => `${r[1]}:${r[2]}`));
    assert.equal(seen.size, 5_000);
    assert.deepEqual(new Set(runs.map((r) => r[1])), new Set(ids));
    assert.equal(new Set(runs.map((r) => r[3])).size, 2, 'both processes took part');
    await store.close();
  });
});
