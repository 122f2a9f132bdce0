/**
 * Longrun on PostgreSQL as a benchmark adapter: the public engine (`createLongrun`) over
 * `createPostgresStore`, exactly as `longrun worker --db postgres://…` runs it.
 */
import { z } from 'zod';
import { defineJob } from '../src/engine/define.ts';
import { createLongrun } from '../src/engine/longrun.ts';
import { createPostgresStore } from '../src/store/postgres/index.ts';
import { type Adapter, PG_URL, type WorkerHooks, wallNow } from './pg-common.ts';

const WORKSPACE = 'bench';

/**
 * Worker settings for no-op jobs on 2 cores. Claims and finishes are batched, so the pool wants
 * enough jobs in flight to fill a large claim while the previous batch's finish commits: a sweep
 * (concurrency/claimBatch 250/250, 300/100, 500/250, 1000/250, 1000/500, 1500/500, 2000/1000)
 * put 1000/500 at the top with 1500/500 and 2000/1000, and 250/250 or 300/100 at about half.
 * Overridable for experiments without editing code.
 */
export const LONGRUN_WORKER = {
  concurrency: Number(process.env.LR_BENCH_CONCURRENCY ?? 1_000),
  claimBatch: Number(process.env.LR_BENCH_CLAIM ?? 500),
  poolSize: Number(process.env.LR_BENCH_POOL ?? 10),
};

let hooks: WorkerHooks = {};
const noop = defineJob({
  type: 'bench.noop',
  category: 'sync',
  input: z.object({ i: z.number() }),
  run: async () => {
    hooks.onStart?.(wallNow());
    hooks.onRan?.(1);
    return null;
  },
});

export const longrunAdapter: Adapter = {
  label: 'Longrun',
  settings: `concurrency ${LONGRUN_WORKER.concurrency}, claimBatch ${LONGRUN_WORKER.claimBatch}, pool ${LONGRUN_WORKER.poolSize} + 1 LISTEN`,
  async install(schema) {
    const store = await createPostgresStore({ connectionString: PG_URL, schema });
    await store.close();
  },
  async open(schema) {
    const store = await createPostgresStore({ connectionString: PG_URL, schema, migrate: false });
    const longrun = createLongrun({ store, jobs: [noop] });
    return {
      async enqueueBatch(n) {
        await longrun.enqueueMany(
          Array.from({ length: n }, (_, i) => ({
            type: 'bench.noop',
            input: { i },
            opts: { workspaceId: WORKSPACE },
          })),
        );
      },
      async enqueueOne(i) {
        await longrun.enqueue('bench.noop', { i }, { workspaceId: WORKSPACE });
      },
      async completed() {
        const counts = await store.jobCounts({ workspaceId: WORKSPACE });
        return counts.filter((c) => c.status === 'completed').reduce((s, c) => s + c.count, 0);
      },
      close: () => store.close(),
    };
  },
  async prepareWorker(schema, workerHooks) {
    hooks = workerHooks;
    const store = await createPostgresStore({
      connectionString: PG_URL,
      schema,
      migrate: false,
      poolSize: LONGRUN_WORKER.poolSize,
    });
    await store.ping();
    const longrun = createLongrun({ store, jobs: [noop] });
    return {
      async go() {
        longrun.start({
          concurrency: LONGRUN_WORKER.concurrency,
          claimBatch: LONGRUN_WORKER.claimBatch,
          pollIntervalMs: 1_000,
        });
        return {
          async stop() {
            await longrun.stop();
            await store.close();
          },
        };
      },
    };
  },
};
