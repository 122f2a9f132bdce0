/** The soak's table: one row per scenario run, printed as a fixed-width text table. */
import type { StoreKind } from './env.ts';

export interface Row {
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
  /** Lines printed under the row (cancel delivery figures). */
  notes: string[];
}

export function fmtMs(ms: number): string {
  return ms >= 10_000
    ? `${(ms / 1000).toFixed(0)} s`
    : ms >= 1000
      ? `${(ms / 1000).toFixed(1)} s`
      : `${ms} ms`;
}

/** `a / b` of the median and the largest, or `–` when there is nothing to measure. */
export function p50Max(values: readonly number[]): string {
  const v = [...values].sort((a, b) => a - b);
  return v.length ? `${fmtMs(v[Math.floor(v.length / 2)] ?? 0)} / ${fmtMs(v.at(-1) ?? 0)}` : '–';
}

export function printTable(rows: readonly Row[]): void {
  console.log(
    `${'store'.padEnd(9)}${'scenario'.padEnd(28)}${'jobs'.padStart(7)}${'faults'.padStart(8)}${'lost'.padStart(6)}${'stuck'.padStart(7)}  ${'dup allowed / seen'.padEnd(20)}${'recovery p50 / max'.padEnd(20)}${'time'.padStart(7)}  verdict`,
  );
  for (const r of rows) {
    console.log(
      `${r.store.padEnd(9)}${r.scenario.padEnd(28)}${String(r.jobs).padStart(7)}${String(r.faults).padStart(8)}${String(r.lost).padStart(6)}${String(r.stuck).padStart(7)}  ${r.dup.padEnd(20)}${r.recovery.padEnd(20)}${`${r.seconds}s`.padStart(7)}  ${r.verdict}`,
    );
    for (const n of r.notes) console.log(`  ${n}`);
  }
}
