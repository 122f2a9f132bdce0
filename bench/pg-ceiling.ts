/**
 * Longrun's PostgreSQL statements alone: the store's own bulk insert, claim and finish, called in a
 * loop with no engine around them (no handler, no lease bookkeeping, no finish queue). It is the
 * PostgreSQL counterpart of bench/sqlite-ceiling.ts: the most the engine could reach with the
 * writes it makes today, so the distance to a peer splits into what the engine costs and what the
 * writes themselves cost. bench/postgres.ts runs it in every round beside the systems.
 *
 * ```ts
 * const { bulk, drain, drainCpuUs } = await pgStatementsAlone();
 * ```
 */
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { defineJob, JobRegistry } from '../src/engine/define.ts';
import { buildNewJob } from '../src/engine/enqueue.ts';
import { createPostgresStore } from '../src/store/postgres/index.ts';
import type { NewJob, Store } from '../src/store/types.ts';
import { dropSchema, newSchema, PG_URL, round } from './pg-common.ts';

const WORKSPACE = 'bench';
const BATCH = 10_000;
const DRAIN_JOBS = 20_000;
/** The engine's claim batch (bench/pg-longrun.ts LONGRUN_WORKER), so each statement carries as many jobs. */
const CLAIM = 500;
/**
 * Statements in flight: the engine keeps one claim and one finish in flight, so two loops of
 * claim-then-finish. Three loops drained within 3% of two here (2 cores): the server is the limit.
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

async function withStore<T>(run: (store: Store) => Promise<T>): Promise<T> {
  const schema = newSchema('ceiling');
  const store = await createPostgresStore({ connectionString: PG_URL, schema });
  try {
    return await run(store);
  } finally {
    await store.close();
    await dropSchema(schema);
  }
}

/** `store.jobInsert` of pre-built rows: a warm-up batch, then 5 × 10,000, as bench/pg-common.ts's bulkEnqueue. */
function bulk(): Promise<number> {
  return withStore(async (store) => {
    await store.jobInsert({ jobs: rows(1_000) });
    const batches = Array.from({ length: 5 }, () => rows(BATCH));
    const t0 = performance.now();
    for (const jobs of batches) await store.jobInsert({ jobs });
    return (5 * BATCH) / ((performance.now() - t0) / 1000);
  });
}

/** Claim 500, finish them completed, repeat, in `LOOPS` loops until the queue is empty. */
function drain(): Promise<{ jobsPerS: number; cpuUs: number }> {
  return withStore(async (store) => {
    for (let n = 0; n < DRAIN_JOBS; n += BATCH) await store.jobInsert({ jobs: rows(BATCH) });
    let done = 0;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: LOOPS }, async (_, loop) => {
        for (;;) {
          const claimed = await store.jobClaim({
            workerId: `ceiling-${loop}`,
            limit: CLAIM,
            types: ['bench.noop'],
            leaseMs: 60_000,
          });
          if (claimed.length === 0) return;
          await store.jobFinish({
            finishes: claimed.map((c) => ({ lease: c.lease, outcome: 'completed' as const, result: null })),
          });
          done += claimed.length;
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    if (done !== DRAIN_JOBS) throw new Error(`drained ${done} of ${DRAIN_JOBS} jobs`);
    return { jobsPerS: done / seconds, cpuUs: (cpu.user + cpu.system) / done };
  });
}

export async function pgStatementsAlone(): Promise<{ bulk: number; drain: number; drainCpuUs: number }> {
  const b = await bulk();
  const d = await drain();
  return { bulk: round(b), drain: round(d.jobsPerS), drainCpuUs: round(d.cpuUs) };
}
