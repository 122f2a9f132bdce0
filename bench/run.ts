/**
 * `npm run bench`: prints Longrun's figures (and, where a backend is reachable, its peers') as
 * tables. Benchmarks measure; tests never assert speed. Select parts with
 * `npm run bench -- sqlite http postgres`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore } from '../src/store/sqlite/index.ts';
import { benchEngine, type Figures } from './engine.ts';

const wanted = new Set(process.argv.slice(2));
const want = (part: string) => wanted.size === 0 || wanted.has(part);

function print(title: string, figures: Figures): void {
  console.log(`\n## ${title}\n`);
  console.log('| figure | value |\n|---|---|');
  for (const [k, v] of Object.entries(figures))
    console.log(`| ${k} | ${typeof v === 'number' ? v.toLocaleString('en-US') : v} |`);
}

const dir = mkdtempSync(join(tmpdir(), 'longrun-bench-'));
try {
  if (want('sqlite')) {
    let n = 0;
    const figures = await benchEngine(() => createSqliteStore({ path: join(dir, `engine-${n++}.db`) }));
    print('SQLite engine (one process, WAL, synchronous=NORMAL)', figures);
  }
  for (const [part, file, fn] of [
    ['http', './http.ts', 'benchHttp'],
    ['postgres', './postgres.ts', 'benchPostgres'],
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
