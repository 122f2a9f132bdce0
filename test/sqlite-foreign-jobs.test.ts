/**
 * Two SQLite stores on one file (two connections, as two processes have): a job one enqueues wakes
 * a worker idle on the other at once, not at its next poll (store/sqlite/foreign-jobs.ts).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { z } from 'zod';
import { defineJob } from '../src/engine/define.ts';
import { createLongrun } from '../src/engine/longrun.ts';
import { createSqliteStore } from '../src/store/sqlite/index.ts';
import { tempDir, waitFor } from './helpers.ts';

describe('sqlite: jobs enqueued by another connection', () => {
  const tmp = tempDir('longrun-foreign-jobs-');
  after(() => tmp.cleanup());

  it('wake an idle worker at once, though its poll is ten minutes away', async () => {
    const path = join(tmp.dir, 'shared.db');
    const api = await createSqliteStore({ path });
    const workerStore = await createSqliteStore({ path });
    const ran: string[] = [];
    const job = defineJob({
      type: 'foreign.noop',
      category: 'sync',
      input: z.object({ n: z.number() }),
      run: async (ctx) => {
        ran.push(ctx.jobId);
        return null;
      },
    });
    const enqueuer = createLongrun({ store: api, jobs: [job] });
    const worker = createLongrun({ store: workerStore, jobs: [job] });
    worker.start({ concurrency: 4, pollIntervalMs: 600_000, scheduler: false });
    try {
      // Past the worker's first claim (at start), only a wake-up can start a job.
      for (let n = 0; n < 3; n++) {
        const { job: queued } = await enqueuer.enqueue('foreign.noop', { n });
        await waitFor(`job ${n} to start`, () => ran.includes(queued.id), 5_000, 5);
      }
      assert.equal(ran.length, 3);
    } finally {
      await worker.stop({ graceMs: 0 });
      await workerStore.close();
      await api.close();
    }
  });
});
