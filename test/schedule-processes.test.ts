/**
 * A schedule fires once per fire time across three real `longrun worker` processes, on one
 * PostgreSQL schema and on one SQLite file. The schedule's cursor is rewound three hours with
 * `catchUp: "all"`, so the three schedulers start together on 100 missed fires plus the one on
 * time, and race for every one of them.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Job } from '../src/core/job.ts';
import { createLongrun, type Longrun } from '../src/engine/longrun.ts';
import { createPostgresStore } from '../src/store/postgres/index.ts';
import { createSqliteStore } from '../src/store/sqlite/index.ts';
import type { Store } from '../src/store/types.ts';
import { testJobs } from './fixtures/test-jobs.ts';
import { tempDir, waitFor } from './helpers.ts';
import { startWorker, type WorkerProc } from './pg-helpers.ts';
import { dropSchema, newSchemaName, PG_URL, pgSkipReason } from './store-postgres-helpers.ts';

const skipPg = await pgSkipReason();
const MIN = 60_000;

async function scheduleJobs(longrun: Longrun, scheduleId: string): Promise<Job[]> {
  const out: Job[] = [];
  let cursor: string | undefined;
  do {
    const page = await longrun.listJobs({ limit: 100, cursor, type: ['test.noop'] });
    out.push(...page.jobs.filter((j) => j.scheduleId === scheduleId));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`a schedule across three worker processes on ${kind}`, {
    skip: kind === 'postgres' ? skipPg : undefined,
  }, () => {
    const tmp = tempDir('longrun-sched-proc-');
    const schema = newSchemaName();
    let store: Store | undefined;
    const workers: WorkerProc[] = [];
    after(async () => {
      for (const w of workers) if (w.proc.exitCode === null) w.proc.kill('SIGKILL');
      await Promise.all(workers.map((w) => w.exited));
      await store?.close();
      if (kind === 'postgres') await dropSchema(schema);
      tmp.cleanup();
    });

    it('enqueues each fire time once', { timeout: 120_000 }, async () => {
      const path = join(tmp.dir, 'sched.db');
      store =
        kind === 'postgres'
          ? await createPostgresStore({ connectionString: PG_URL, schema })
          : await createSqliteStore({ path });
      const db = kind === 'postgres' ? `${PG_URL}?schema=${schema}` : path;
      const longrun = createLongrun({ store, jobs: testJobs });
      const s = await longrun.schedules.create({
        type: 'test.noop',
        input: {},
        cron: '* * * * *',
        timezone: 'UTC',
        overlap: 'allow',
        catchUp: 'all',
      });
      const now = await store.clockNow();
      const onTime = Math.floor(now / MIN) * MIN;
      await store.scheduleUpdate({
        workspaceId: 'default',
        id: s.id,
        patch: { nextFireAt: onTime - 180 * MIN },
      });
      for (let i = 0; i < 3; i++) workers.push(startWorker(db, {}, ['--concurrency', '4']));
      const advanced = await waitFor(
        'the cursor to move past the rewound fires',
        async () => {
          const got = await longrun.schedules.get(s.id);
          return got.nextFireAt !== null && got.nextFireAt > onTime ? got : null;
        },
        60_000,
        100,
      );
      const jobs = await scheduleJobs(longrun, s.id);
      const fires = jobs.map((j) => j.runAt).sort((a, b) => a - b);
      assert.equal(new Set(fires).size, fires.length, 'no fire time enqueued twice');
      // The 100 newest missed fires (the cap) and the one on time: 101 consecutive minutes. (Had a
      // minute begun meanwhile, the window is one minute later; the count and the runs are the same.)
      assert.ok(fires.length >= 101, `${fires.length} fires`);
      for (let i = 1; i < 101; i++)
        assert.equal(fires[i]! - fires[i - 1]!, MIN, `fire ${i} follows the one before`);
      assert.ok(
        fires[0] === onTime - 100 * MIN || fires[0] === onTime - 99 * MIN,
        'the oldest 80 were dropped',
      );
      assert.ok(advanced.lastJobId && jobs.some((j) => j.id === advanced.lastJobId));
      for (const w of workers) assert.equal(w.proc.exitCode, null, `a worker died: ${w.stderr.join('\n')}`);
      for (const w of workers)
        assert.ok(
          !w.stderr.some((l) => l.includes('scheduler')),
          `no scheduler error: ${w.stderr.join('\n')}`,
        );
    });
  });
}
