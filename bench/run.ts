/**
 * `npm run bench`: prints Longrun's figures (and, where a backend is reachable, its peers') as
 * tables. Benchmarks measure; tests never assert speed. Select parts with
 * `npm run bench -- sqlite http postgres dashboard`. `scale` (bench/scale.ts: 10,000,000 jobs on
 * PostgreSQL, many minutes) runs only when named: `npm run bench -- scale`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore } from '../src/store/sqlite/index.ts';
import { benchEngine, type Figures } from './engine.ts';
import { ratio } from './pg-common.ts';
import { sqliteCeiling } from './sqlite-ceiling.ts';

const wanted = new Set(process.argv.slice(2));
const want = (part: string) => (wanted.size === 0 && part !== 'scale') || wanted.has(part);

const fmt = (v: number | string | undefined) =>
  v === undefined ? '—' : typeof v === 'number' ? v.toLocaleString('en-US') : v;

/**
 * Plain keys print as a figure/value table under `title`. Keys `table › row › column` (or
 * `table › row`) print as one table per `table`, rows by columns, so systems measured side by side
 * read side by side.
 */
function print(title: string, figures: Figures): void {
  const tables = new Map<string, Map<string, Map<string, number | string>>>();
  for (const [k, v] of Object.entries(figures)) {
    const [table, row, col] = k.includes(' › ') ? k.split(' › ') : [title, k];
    const rows = tables.get(table ?? title) ?? new Map<string, Map<string, number | string>>();
    tables.set(table ?? title, rows);
    const cells = rows.get(row ?? k) ?? new Map<string, number | string>();
    rows.set(row ?? k, cells);
    cells.set(col ?? 'value', v);
  }
  for (const [table, rows] of tables) {
    const cols = [...new Set([...rows.values()].flatMap((c) => [...c.keys()]))];
    console.log(`\n## ${table}\n`);
    console.log(`| figure | ${cols.join(' | ')} |\n|---|${cols.map(() => '---|').join('')}`);
    for (const [row, cells] of rows)
      console.log(`| ${row} | ${cols.map((c) => fmt(cells.get(c))).join(' | ')} |`);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'longrun-bench-'));
try {
  if (want('sqlite')) {
    let n = 0;
    const figures = await benchEngine(() => createSqliteStore({ path: join(dir, `engine-${n++}.db`) }));
    const ceiling = await sqliteCeiling(dir);
    // The engine's figure ÷ the same raw loop on each full-schema table the ceiling measured.
    const against = (figure: string, name: string, raw: string, tables: string[]) =>
      Object.fromEntries(
        tables.map((t) => [
          `${name} ÷ ${raw} (full schema${t})`,
          ratio(Number(figures[figure]), ceiling[`${raw} jobs/s, full table${t}`] ?? 0),
        ]),
      );
    print('SQLite engine (one process, WAL, synchronous=NORMAL)', {
      ...figures,
      ...ceiling,
      // The targets' ceiling is the loop on the store's own schema ("the same schema shape"); beside
      // it the same loop over the rows the engine writes (UUID ids), and over those rows with the
      // history the engine keeps (status events, attempt rows): what Longrun's code costs.
      ...against('no-op jobs processed/s', 'drain', 'raw claim-50/complete-50', [
        '',
        ", the engine's rows",
        ", the engine's rows and history",
      ]),
      ...against('bulk enqueue jobs/s', 'bulk enqueue', 'raw multi-row insert', ['', ", the engine's rows"]),
    });
  }
  if (want('memory')) {
    const { benchMemory } = await import('./memory.ts');
    print('Memory (RSS of real processes on SQLite)', await benchMemory(dir));
  }
  for (const [part, file, fn] of [
    ['http', './http.ts', 'benchHttp'],
    ['postgres', './postgres.ts', 'benchPostgres'],
    ['dashboard', './dashboard.ts', 'benchDashboard'],
    ['scale', './scale.ts', 'benchScale'],
  ] as const) {
    if (!want(part)) continue;
    const mod = (await import(file).catch(() => null)) as Record<
      string,
      () => Promise<Figures | Record<string, Figures>>
    > | null;
    if (!mod?.[fn]) {
      console.log(`\n## ${part}: not available (${file} missing)`);
      continue;
    }
    const out = await mod[fn]();
    print(part, out as Figures);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
