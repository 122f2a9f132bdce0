/**
 * `npm run soak`: every fault scenario on each store, each history checked by soak/checker.ts, and
 * a table of what happened. Exits non-zero on any violation.
 *
 * ```sh
 * npm run soak                       # everything, about 5 minutes per store
 * npm run soak -- --quick            # the short version CI runs
 * npm run soak -- --seed 7 --store postgres --only "kill -9"
 * npm run soak -- --seeds 20 --only "kill -9"  # seeds 1..20, a row each
 * npm run soak -- --skip restart            # leaves out the PostgreSQL restart (a shared server)
 * ```
 */
import { parseArgs } from 'node:util';
import { checkHistory } from './checker.ts';
import { compileHarness } from './compile.ts';
import { SoakEnv, type StoreKind } from './env.ts';
import { historyRead, wallNow } from './history.ts';
import { seededRandom } from './random.ts';
import { SCENARIOS } from './scenarios/index.ts';
import type { Scenario } from './scenarios/types.ts';
import { fmtMs, p50Max, printTable, type Row } from './table.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    seed: { type: 'string', default: '1' },
    /** Runs every selected scenario under seeds 1..N, a row each. */
    seeds: { type: 'string' },
    store: { type: 'string', default: 'both' },
    only: { type: 'string' },
    /** Leaves out scenarios whose name contains this (e.g. the restart, on a shared server). */
    skip: { type: 'string' },
    keep: { type: 'boolean', default: false },
    /** Scenarios run at once (each in its own database); 1 runs them one after another. */
    parallel: { type: 'string', default: '4' },
  },
});
const parallel = Number(values.parallel);
if (!Number.isInteger(parallel) || parallel < 1) throw new Error('--parallel takes a positive integer');
const seeds = values.seeds
  ? Array.from({ length: Number(values.seeds) }, (_, i) => i + 1)
  : [Number(values.seed)];
if (!seeds.every(Number.isInteger) || seeds.length === 0)
  throw new Error('--seed takes an integer, --seeds a count');
const stores: StoreKind[] = values.store === 'both' ? ['sqlite', 'postgres'] : [values.store as StoreKind];
if (!stores.every((s) => s === 'sqlite' || s === 'postgres'))
  throw new Error('--store: sqlite, postgres or both');

/**
 * At most this many PostgreSQL scenarios at once: each holds a few dozen connections and their
 * server's CPU share. With processes started through tsx, three at once on a 2-core machine pushed
 * connection set-up past the pool's 5 s timeout, so it was two; from the compiled harness (a third
 * of the start-up CPU) three pass, and the quick run takes 59–61 s instead of 69 s with two.
 */
const POSTGRES_AT_ONCE = 3;

interface Run {
  seed: number;
  store: StoreKind;
  scenario: Scenario;
  label: string;
}

const runs: Run[] = [];
for (const seed of seeds)
  for (const store of stores)
    for (const scenario of SCENARIOS) {
      if (!scenario.stores.includes(store)) continue;
      if (values.only ? !scenario.name.includes(values.only) : values.quick && scenario.fullOnly) continue;
      if (values.skip && scenario.name.includes(values.skip)) continue;
      runs.push({
        seed,
        store,
        scenario,
        label: seeds.length > 1 ? `${scenario.name} #${seed}` : scenario.name,
      });
    }

const rows = new Map<Run, Row>();
const failures: string[] = [];
const started = wallNow();
await compileHarness();
// Each scenario has its own database, processes and proxy, so several run at once; an exclusive
// one (a PostgreSQL restart would fault every other PostgreSQL scenario) runs alone, after them.
await runPool(
  runs.filter((r) => !r.scenario.exclusive),
  parallel,
);
await runPool(
  runs.filter((r) => r.scenario.exclusive),
  1,
);

console.log('');
printTable(runs.map((r) => rows.get(r)).filter((r) => r !== undefined));
console.log(
  `\nseed ${seeds.length > 1 ? `1..${seeds.length}` : seeds[0]}${values.quick ? ', quick' : ''}, ${Math.round((wallNow() - started) / 1000)} s`,
);
if (failures.length > 0) {
  console.log('\nViolations:');
  for (const f of failures) console.log(`  ${f}`);
}
// Clients' keep-alive sockets and pools of the scenarios may linger; the verdict is in.
process.exit(failures.length > 0 ? 1 : 0);

/** Runs `list` with at most `width` scenarios at once, at most POSTGRES_AT_ONCE on PostgreSQL. */
async function runPool(list: Run[], width: number): Promise<void> {
  // PostgreSQL's scenarios first: they are the longer ones, and SQLite's fill the spare slot.
  const queue = [...list].sort((a, b) => Number(b.store === 'postgres') - Number(a.store === 'postgres'));
  const inFlight = new Set<Promise<unknown>>();
  let onPostgres = 0;
  const next = () => {
    const i = queue.findIndex((r) => r.store !== 'postgres' || onPostgres < POSTGRES_AT_ONCE);
    return i < 0 ? undefined : queue.splice(i, 1)[0];
  };
  await Promise.all(
    Array.from({ length: Math.min(width, queue.length) }, async () => {
      while (queue.length > 0) {
        const r = next();
        if (!r) {
          await Promise.race(inFlight);
          continue;
        }
        if (r.store === 'postgres') onPostgres++;
        const running = runOne(r);
        inFlight.add(running);
        const row = await running;
        inFlight.delete(running);
        if (r.store === 'postgres') onPostgres--;
        rows.set(r, row);
        console.log(`${row.verdict.padEnd(12)}${r.store.padEnd(9)}${r.label} (${row.seconds} s)`);
      }
    }),
  );
}

async function runOne({ seed, store, scenario, label }: Run): Promise<Row> {
  const t0 = wallNow();
  const env = await SoakEnv.create({
    kind: store,
    name: `${scenario.name.replace(/\W+/g, '_').slice(0, 20)}_${seed}`,
  });
  const violations: string[] = [];
  let row: Row = {
    store,
    scenario: label,
    jobs: 0,
    faults: 0,
    lost: 0,
    stuck: 0,
    dup: '–',
    recovery: '–',
    verdict: 'FAIL (error)',
    seconds: 0,
    notes: [],
  };
  try {
    await scenario.run({ env, random: seededRandom(seed), quick: values.quick, seed });
    const settled = await env.settle(90_000);
    // Workers may still hold released writes; the check reads what is committed now.
    const report = await checkHistory({
      store: env.store,
      workspaceId: 'default',
      history: historyRead(env.history),
    });
    violations.push(...env.violations, ...report.violations);
    if (!settled && report.stuck === 0) violations.push('did not settle within 90 s');
    const d = [...report.cancelDeliveriesMs].sort((a, b) => a - b);
    row = {
      ...row,
      jobs: report.jobs,
      faults: report.faults,
      lost: report.lost,
      stuck: report.stuck,
      dup: `${report.duplicatesAllowed} / ${report.duplicatesSeen}`,
      recovery: p50Max(report.recoveriesMs),
      verdict: violations.length === 0 ? 'pass' : `FAIL (${violations.length})`,
      notes: d.length
        ? [
            `${d.length} cancels reached a running attempt: p50 ${fmtMs(d[Math.floor(d.length / 2)] ?? 0)}, p99 ${fmtMs(d[Math.floor(d.length * 0.99)] ?? 0)}, max ${fmtMs(d.at(-1) ?? 0)} after the acknowledgement`,
          ]
        : [],
    };
  } catch (err) {
    violations.push(`scenario crashed: ${(err as Error).stack ?? err}`);
  } finally {
    await env.close(values.keep || violations.length > 0);
  }
  row.seconds = Math.round((wallNow() - t0) / 100) / 10;
  for (const v of violations.slice(0, 20)) failures.push(`${store} / ${label}: ${v}`);
  if (violations.length > 20) failures.push(`${store} / ${label}: … and ${violations.length - 20} more`);
  if (violations.length > 0)
    row.notes.push(`kept for inspection: ${env.dir}${env.schema ? ` and schema ${env.schema}` : ''}`);
  return row;
}
