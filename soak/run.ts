/**
 * `npm run soak`: every fault scenario on each store, each history checked by soak/checker.ts, and
 * a table of what happened. Exits non-zero on any violation.
 *
 * ```sh
 * npm run soak                       # everything, about 5 minutes per store
 * npm run soak -- --quick            # the short version CI runs
 * npm run soak -- --seed 7 --store postgres --only "kill -9"
 * npm run soak -- --seeds 20 --only "kill -9"  # seeds 1..20, a row each
 * ```
 */
import { parseArgs } from 'node:util';
import { checkHistory } from './checker.ts';
import { SoakEnv, type StoreKind } from './env.ts';
import { historyRead, wallNow } from './history.ts';
import { seededRandom } from './random.ts';
import { SCENARIOS } from './scenarios/index.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    seed: { type: 'string', default: '1' },
    /** Runs every selected scenario under seeds 1..N, a row each. */
    seeds: { type: 'string' },
    store: { type: 'string', default: 'both' },
    only: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const seeds = values.seeds
  ? Array.from({ length: Number(values.seeds) }, (_, i) => i + 1)
  : [Number(values.seed)];
if (!seeds.every(Number.isInteger) || seeds.length === 0)
  throw new Error('--seed takes an integer, --seeds a count');
const stores: StoreKind[] = values.store === 'both' ? ['sqlite', 'postgres'] : [values.store as StoreKind];
if (!stores.every((s) => s === 'sqlite' || s === 'postgres'))
  throw new Error('--store: sqlite, postgres or both');

interface Row {
  store: StoreKind;
  scenario: string;
  jobs: number;
  faults: number;
  lost: number;
  stuck: number;
  dup: string;
  recovery: string;
  verdict: string;
  seconds: number;
}

const rows: Row[] = [];
const failures: string[] = [];
const started = wallNow();
for (const seed of seeds)
  for (const store of stores) {
    for (const scenario of SCENARIOS) {
      if (!scenario.stores.includes(store)) continue;
      if (values.only && !scenario.name.includes(values.only)) continue;
      const label = seeds.length > 1 ? `${scenario.name} #${seed}` : scenario.name;
      const t0 = wallNow();
      const env = await SoakEnv.create({
        kind: store,
        name: scenario.name.replace(/\W+/g, '_').slice(0, 20),
      });
      let violations: string[] = [];
      let lastDeliveries: number[] = [];
      let row: Row;
      try {
        await scenario.run({ env, random: seededRandom(seed), quick: values.quick, seed });
        const settled = await env.settle(90_000);
        // Workers may still hold released writes; the check reads what is committed now.
        const report = await checkHistory({
          store: env.store,
          workspaceId: 'default',
          history: historyRead(env.history),
        });
        violations = [...env.violations, ...report.violations];
        lastDeliveries = report.cancelDeliveriesMs;
        if (!settled && report.stuck === 0) violations.push('did not settle within 90 s');
        const r = [...report.recoveriesMs].sort((a, b) => a - b);
        row = {
          store,
          scenario: label,
          jobs: report.jobs,
          faults: report.faults,
          lost: report.lost,
          stuck: report.stuck,
          dup: `${report.duplicatesAllowed} / ${report.duplicatesSeen}`,
          recovery: r.length ? `${fmtMs(r[Math.floor(r.length / 2)] ?? 0)} / ${fmtMs(r.at(-1) ?? 0)}` : '–',
          verdict: violations.length === 0 ? 'pass' : `FAIL (${violations.length})`,
          seconds: 0,
        };
      } catch (err) {
        violations.push(`scenario crashed: ${(err as Error).stack ?? err}`);
        row = {
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
        };
      } finally {
        await env.close(values.keep || violations.length > 0);
      }
      row.seconds = Math.round((wallNow() - t0) / 100) / 10;
      rows.push(row);
      printRow(row);
      if (lastDeliveries.length > 0) {
        const d = lastDeliveries.sort((a, b) => a - b);
        console.log(
          `  ${d.length} cancels reached a running attempt: p50 ${fmtMs(d[Math.floor(d.length / 2)] ?? 0)}, p99 ${fmtMs(d[Math.floor(d.length * 0.99)] ?? 0)}, max ${fmtMs(d.at(-1) ?? 0)} after the acknowledgement`,
        );
      }
      for (const v of violations.slice(0, 20)) failures.push(`${store} / ${label}: ${v}`);
      if (violations.length > 20) failures.push(`${store} / ${label}: … and ${violations.length - 20} more`);
      if (violations.length > 0)
        console.log(`  kept for inspection: ${env.dir}${env.schema ? ` and schema ${env.schema}` : ''}`);
    }
  }

console.log(
  `\nseed ${seeds.length > 1 ? `1..${seeds.length}` : seeds[0]}${values.quick ? ', quick' : ''}, ${Math.round((wallNow() - started) / 1000)} s`,
);
if (failures.length > 0) {
  console.log('\nViolations:');
  for (const f of failures) console.log(`  ${f}`);
}
// Clients' keep-alive sockets and pools of the scenarios may linger; the verdict is in.
process.exit(failures.length > 0 ? 1 : 0);

function fmtMs(ms: number): string {
  return ms >= 10_000
    ? `${(ms / 1000).toFixed(0)} s`
    : ms >= 1000
      ? `${(ms / 1000).toFixed(1)} s`
      : `${ms} ms`;
}

function printRow(r: Row): void {
  if (rows.length === 1)
    console.log(
      `${'store'.padEnd(9)}${'scenario'.padEnd(28)}${'jobs'.padStart(7)}${'faults'.padStart(8)}${'lost'.padStart(6)}${'stuck'.padStart(7)}  ${'dup allowed / seen'.padEnd(20)}${'recovery p50 / max'.padEnd(20)}${'time'.padStart(7)}  verdict`,
    );
  console.log(
    `${r.store.padEnd(9)}${r.scenario.padEnd(28)}${String(r.jobs).padStart(7)}${String(r.faults).padStart(8)}${String(r.lost).padStart(6)}${String(r.stuck).padStart(7)}  ${r.dup.padEnd(20)}${r.recovery.padEnd(20)}${`${r.seconds}s`.padStart(7)}  ${r.verdict}`,
  );
}
