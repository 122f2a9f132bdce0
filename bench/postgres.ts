/**
 * `npm run bench -- postgres`: Longrun on PostgreSQL and on SQLite next to graphile-worker 0.16.6
 * and pg-boss 10.4.2 (same PostgreSQL server) and BullMQ 5 (on Redis, skipped with a printed reason
 * when Redis does not answer), in the same run, through the same measuring code:
 *
 * - bulk enqueue: a warm-up batch, then 5 × 10,000 no-op jobs through each system's batch API;
 * - drain: 20,000 no-op jobs per worker process enqueued first, then 1 (and 4) worker processes
 *   started together, timed until their handlers have run every job and the store shows every job
 *   completed;
 * - enqueue→start: one single-job enqueue at a time into an idle queue, to the handler's start,
 *   with the worker in the same process and, separately, in a worker process (a cross-process
 *   wake-up: NOTIFY, a blocking pop or polling, as between an API node and a worker node).
 *
 * The systems run in alternated rounds (`LONGRUN_BENCH_ROUNDS`, default 3), and each cell is the
 * median with the range. Each system and phase gets a fresh schema `bench_pg_*` (a SQLite file, a
 * Redis queue), removed afterwards. Figures come back as `table › row › column` keys, which
 * bench/run.ts prints as tables. The bench measures; it asserts nothing.
 */
import { cpus } from 'node:os';
import type { Figures } from './engine.ts';
import { bullmqAdapter, redisAnswers } from './peers/bullmq.ts';
import { graphileAdapter } from './peers/graphile.ts';
import { pgbossAdapter } from './peers/pgboss.ts';
import { pgStatementsAlone } from './pg-ceiling.ts';
import {
  type Adapter,
  adminQuery,
  bulkEnqueue,
  drainInProcesses,
  enqueueToStart,
  median,
  PG_URL,
  round,
  spread,
} from './pg-common.ts';
import { longrunAdapter, longrunSqliteAdapter, longrunSyncAdapter } from './pg-longrun.ts';

/**
 * Jobs per worker process in a drain: 4 processes drain 80,000. With 20,000 for all four, each
 * process spent a quarter of its two seconds cold (unoptimised code, statements prepared on each
 * pooled connection) and 4 processes drained 0.72× of one; with 20,000 each, 1.00× (runs in
 * docs/benchmarks.md). Equal work per process measures contention, not start-up.
 */
const JOBS_PER_PROCESS = 20_000;
const BATCH = 10_000;

interface Plan {
  key: string;
  adapter: Adapter;
  /** Latency samples in the same process / with a worker process: fewer where each one waits for a poll. */
  samples: { process: number; child: number };
  /** Random extra gap between latency samples: a polling system's poll period, else 0. */
  jitterMs: { process: number; child: number };
  drainTimeoutMs: number;
}

const basePlans: Plan[] = [
  {
    key: 'lrsqlite',
    adapter: longrunSqliteAdapter,
    samples: { process: 500, child: 300 },
    jitterMs: { process: 0, child: 0 },
    drainTimeoutMs: 60_000,
  },
  {
    key: 'longrun',
    adapter: longrunAdapter,
    samples: { process: 500, child: 300 },
    jitterMs: { process: 0, child: 0 },
    drainTimeoutMs: 60_000,
  },
  {
    key: 'lrsync',
    adapter: longrunSyncAdapter,
    samples: { process: 500, child: 300 },
    jitterMs: { process: 0, child: 0 },
    drainTimeoutMs: 60_000,
  },
  {
    key: 'graphile',
    adapter: graphileAdapter,
    samples: { process: 500, child: 300 },
    jitterMs: { process: 0, child: 0 },
    drainTimeoutMs: 90_000,
  },
  // pg-boss polls every 0.5 s: each sample costs ~0.5 s, so fewer of them.
  {
    key: 'pgboss',
    adapter: pgbossAdapter(),
    samples: { process: 40, child: 30 },
    jitterMs: { process: 500, child: 500 },
    drainTimeoutMs: 90_000,
  },
];

const bullmqPlan: Plan = {
  key: 'bullmq',
  adapter: bullmqAdapter,
  samples: { process: 500, child: 300 },
  jitterMs: { process: 0, child: 0 },
  drainTimeoutMs: 90_000,
};

const T =
  'Same machine, same run: Longrun on SQLite and PostgreSQL, graphile-worker and pg-boss on PostgreSQL, BullMQ on Redis';
const R = 'Ratios of the medians (Longrun ÷ peer; for latency below 1× is better)';
const C =
  "Longrun's PostgreSQL statements alone (bench/pg-ceiling.ts: the store's calls in a loop, no engine)";
const ROWS = {
  bulk: 'bulk enqueue jobs/s (batches of 10,000)',
  drain1: 'no-op jobs drained/s, 1 worker process (20,000 jobs)',
  drain4: 'no-op jobs drained/s, 4 worker processes (80,000 jobs)',
  p50: 'enqueue→start p50 ms, worker in-process',
  p99: 'enqueue→start p99 ms, worker in-process',
  xp50: 'enqueue→start p50 ms, worker in another process',
  xp99: 'enqueue→start p99 ms, worker in another process',
  settings: 'settings',
} as const;

function log(msg: string): void {
  // On stderr: progress for whoever waits, without mixing into the tables on stdout.
  process.stderr.write(`[bench postgres] ${msg}\n`);
}

/** Every figure of one system, each phase in a fresh schema. */
async function measure(plan: Plan): Promise<Record<string, number>> {
  const { adapter, key, jitterMs } = plan;
  const r: Record<string, number> = {};
  log(`${adapter.label}: bulk enqueue`);
  r.bulk = await bulkEnqueue(adapter, key, { batch: BATCH, rounds: 5 });
  for (const procs of [1, 4]) {
    const jobs = JOBS_PER_PROCESS * procs;
    log(`${adapter.label}: drain ${jobs.toLocaleString('en-US')} jobs with ${procs} process(es)`);
    r[`drain${procs}`] = await drainInProcesses(adapter, key, {
      procs,
      jobs,
      batch: BATCH,
      timeoutMs: plan.drainTimeoutMs * procs,
    });
  }
  log(`${adapter.label}: enqueue→start`);
  const local = await enqueueToStart(adapter, key, {
    samples: plan.samples.process,
    where: 'process',
    jitterMs: jitterMs.process,
  });
  const remote = await enqueueToStart(adapter, key, {
    samples: plan.samples.child,
    where: 'child',
    jitterMs: jitterMs.child,
  });
  return { ...r, p50: local.p50, p99: local.p99, xp50: remote.p50, xp99: remote.p99 };
}

/** Rounds of every system, alternated (A B C A B C …): a machine's drift hits each alike. */
const ROUNDS = Number(process.env.LONGRUN_BENCH_ROUNDS ?? 3);

export async function benchPostgres(): Promise<Figures> {
  let version: string;
  try {
    const { rows } = await adminQuery('SHOW server_version');
    version = String(rows[0]?.server_version);
  } catch (err) {
    return { [`${T} › skipped`]: `PostgreSQL not reachable at ${PG_URL}: ${(err as Error).message}` };
  }
  const out: Figures = {};
  const put = (row: string, col: string, v: number | string) => {
    out[`${T} › ${row} › ${col}`] = v;
  };
  const redis = await redisAnswers();
  const plans = redis ? [...basePlans, bullmqPlan] : basePlans;
  if (!redis)
    out['Run › BullMQ'] =
      'skipped: Redis does not answer at LONGRUN_BENCH_REDIS (default redis://127.0.0.1:6379)';
  else out['Run › Redis'] = `Redis ${redis}`;
  const results = new Map<string, Record<string, number[]>>();
  const failed = new Set<string>();
  const ceiling: Record<string, number[]> = {};
  const began = Date.now();

  for (let round = 1; round <= ROUNDS; round++) {
    for (const plan of plans) {
      if (failed.has(plan.key)) continue;
      log(`round ${round} of ${ROUNDS}`);
      try {
        const r = await measure(plan);
        const all = results.get(plan.key) ?? {};
        for (const [k, v] of Object.entries(r)) all[k] = [...(all[k] ?? []), v];
        results.set(plan.key, all);
      } catch (err) {
        // One system failing (a peer's API changed, a timeout) must not cost the others' figures.
        log(`${plan.adapter.label}: failed: ${(err as Error).stack ?? String(err)}`);
        put(ROWS.settings, plan.adapter.label, `failed: ${(err as Error).message}`);
        failed.add(plan.key);
        results.delete(plan.key);
      }
    }
    log(`round ${round} of ${ROUNDS}: Longrun's statements alone`);
    try {
      const alone = await pgStatementsAlone();
      for (const [k, v] of Object.entries(alone)) ceiling[k] = [...(ceiling[k] ?? []), v];
    } catch (err) {
      log(`statements alone: failed: ${(err as Error).stack ?? String(err)}`);
    }
  }
  for (const { key, adapter } of plans) {
    const r = results.get(key);
    if (!r) continue;
    for (const [k, row] of Object.entries(ROWS))
      put(row, adapter.label, k === 'settings' ? adapter.settings : spread(r[k] ?? []));
  }

  const medianOf = (key: string, k: string) => median(results.get(key)?.[k] ?? []);
  const ratios: [string, string][] = [
    ['longrun', 'graphile'],
    ['longrun', 'pgboss'],
    ['longrun', 'bullmq'],
    ['lrsync', 'graphile'],
    ['lrsync', 'pgboss'],
    ['lrsync', 'bullmq'],
    ['lrsqlite', 'bullmq'],
  ];
  const labelOf = (key: string) => plans.find((p) => p.key === key)?.adapter.label ?? key;
  for (const [ours, peer] of ratios) {
    if (!results.has(ours) || !results.has(peer)) continue;
    const col = `${labelOf(ours)} ÷ ${labelOf(peer)}`;
    for (const k of ['drain1', 'drain4', 'bulk'] as const)
      out[`${R} › ${ROWS[k]} › ${col}`] = `${round(medianOf(ours, k) / medianOf(peer, k), 2)}×`;
    // Latency: below 1 means Longrun starts jobs sooner.
    for (const k of ['p50', 'xp50'] as const)
      out[`${R} › ${ROWS[k]} › ${col}`] = `${round(medianOf(ours, k) / medianOf(peer, k), 2)}×`;
  }
  const alone = (k: string) => median(ceiling[k] ?? []);
  const CEILING_ROWS = {
    bulk: 'bulk enqueue jobs/s: store.jobInsert of rows built beforehand (batches of 10,000)',
    drain1: ROWS.drain1,
    drain4: ROWS.drain4,
  } as const;
  // Engine ÷ its statements: what the engine costs. Statements ÷ a peer: the writes' own distance.
  const against: [string, string, boolean][] = [
    ['longrun', 'Longrun (engine, async claims) ÷ statements alone', true],
    ['graphile', 'statements alone ÷ graphile-worker', false],
    ['bullmq', 'statements alone ÷ BullMQ', false],
  ];
  for (const [k, row] of Object.entries(CEILING_ROWS)) {
    out[`${C} › ${row} › statements alone`] = spread(ceiling[k] ?? []);
    for (const [key, col, engine] of against) {
      if (!results.has(key) || !ceiling[k]) continue;
      const v = engine ? medianOf(key, k) / alone(k) : alone(k) / medianOf(key, k);
      out[`${C} › ${row} › ${col}`] = `${round(v, 2)}×`;
    }
  }
  const cpu = cpus();
  out['Run › machine'] =
    `${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown'}), Node ${process.versions.node}`;
  out['Run › server'] = `PostgreSQL ${version} at ${PG_URL.replace(/\/\/[^@]*@/, '//')}`;
  out['Run › rounds'] = `${ROUNDS}, systems alternated; each cell: median (min–max)`;
  out['Run › date'] = new Date().toISOString().slice(0, 10);
  out['Run › seconds'] = round((Date.now() - began) / 1000, 1);
  return out;
}
