/**
 * Longrun's PostgreSQL statements alone: the store's own bulk insert, claim and finish, called in
 * loops with no engine around them (no handler, no lease bookkeeping, no finish queue). It is the
 * PostgreSQL counterpart of bench/sqlite-ceiling.ts: the most the engine could reach with the
 * writes it makes today, so the distance to a peer splits into what the engine costs and what the
 * writes themselves cost. bench/postgres.ts runs it in every round beside the systems; its drains
 * go through the same harness (fresh worker processes, the same completion check) as theirs.
 *
 * ```ts
 * const { bulk, drain1, drain4 } = await pgStatementsAlone();
 * ```
 */
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { defineJob, JobRegistry } from '../src/engine/define.ts';
import { buildNewJob } from '../src/engine/enqueue.ts';
import { createPostgresStore } from '../src/store/postgres/index.ts';
import type { NewJob, Store } from '../src/store/types.ts';
import { type Adapter, drainInProcesses, dropSchema, newSchema, PG_URL, round } from './pg-common.ts';
import { LONGRUN_WORKER, longrunAdapter } from './pg-longrun.ts';

const WORKSPACE = 'bench';
const BATCH = 10_000;
const JOBS_PER_PROCESS = 20_000;
/**
 * Statements in flight per process: the engine keeps one claim and one finish in flight, so two
 * loops of claim-then-finish. Three loops drained within 4% of two here (2 cores).
 */
const LOOPS = 2;

const registry = new JobRegistry({
  jobs: [
    defineJob({
      type: 'bench.noop',
      category: 'sync',
      input: z.object({ i: z.number() }),
      run: async () => null,
    }),
  ],
});

/** Rows exactly as `enqueueMany` builds them, built before any clock starts. */
function rows(n: number): NewJob[] {
  return Array.from({ length: n }, (_, i) =>
    buildNewJob(registry, 'bench.noop', { i }, { workspaceId: WORKSPACE }, Date.now()),
  );
}

/** `store.jobInsert` of pre-built rows: a warm-up batch, then 5 × 10,000, as pg-common.ts's bulkEnqueue. */
async function bulk(): Promise<number> {
  const schema = newSchema('lrstatements');
  const store = await createPostgresStore({ connectionString: PG_URL, schema });
  try {
    await store.jobInsert({ jobs: rows(1_000) });
    const batches = Array.from({ length: 5 }, () => rows(BATCH));
    const t0 = performance.now();
    for (const jobs of batches) await store.jobInsert({ jobs });
    return (5 * BATCH) / ((performance.now() - t0) / 1000);
  } finally {
    await store.close();
    await dropSchema(schema);
  }
}

/** Claims as many jobs as the engine's claim batch, finishes them completed, again, until stopped. */
async function claimFinishLoop(
  store: Store,
  workerId: string,
  ran: (n: number) => void,
  stopped: () => boolean,
) {
  while (!stopped()) {
    const claimed = await store.jobClaim({
      workerId,
      limit: LONGRUN_WORKER.claimBatch,
      types: ['bench.noop'],
      leaseMs: 60_000,
    });
    if (claimed.length === 0) {
      await new Promise((r) => setTimeout(r, 5));
      continue;
    }
    await store.jobFinish({
      finishes: claimed.map((c) => ({ lease: c.lease, outcome: 'completed' as const, result: null })),
    });
    ran(claimed.length);
  }
}

/** Longrun's adapter (same schema, same enqueue, same count) with the engine's worker replaced by the loops. */
export const statementsAdapter: Adapter = {
  ...longrunAdapter,
  label: "Longrun's statements alone",
  settings: `${LOOPS} loops of jobClaim ${LONGRUN_WORKER.claimBatch} then jobFinish, no engine`,
  async prepareWorker(schema, hooks) {
    const store = await createPostgresStore({
      connectionString: PG_URL,
      schema,
      migrate: false,
      poolSize: LONGRUN_WORKER.poolSize,
    });
    await store.ping();
    return {
      async go() {
        let stopping = false;
        const loops = Array.from({ length: LOOPS }, (_, i) =>
          claimFinishLoop(
            store,
            `statements-${i}`,
            (n) => hooks.onRan?.(n),
            () => stopping,
          ),
        );
        return {
          async stop() {
            stopping = true;
            await Promise.all(loops);
            await store.close();
          },
        };
      },
    };
  },
};

export async function pgStatementsAlone(): Promise<{ bulk: number; drain1: number; drain4: number }> {
  const drain = (procs: number) =>
    drainInProcesses(statementsAdapter, 'lrstatements', {
      procs,
      jobs: JOBS_PER_PROCESS * procs,
      batch: BATCH,
      timeoutMs: 60_000 * procs,
    });
  return { bulk: round(await bulk()), drain1: await drain(1), drain4: await drain(4) };
}
