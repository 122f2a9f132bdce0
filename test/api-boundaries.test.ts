/**
 * What the HTTP layer may know: LongrunError codes and the engine's public surface. Driver error
 * codes are mapped to `store_unavailable` inside the stores (test/store-unavailable.test.ts), and
 * the store is reached through `Longrun` methods only.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const API_DIR = join(import.meta.dirname, '..', 'src', 'api');

/** Each file's code with its comments removed, so a doc example may still mention the store. */
function apiSources(): { file: string; code: string }[] {
  return readdirSync(API_DIR)
    .filter((f) => f.endsWith('.ts'))
    .map((file) => ({
      file,
      code: readFileSync(join(API_DIR, file), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/^\s*\/\/.*$/gm, ''),
    }));
}

describe('the API layer', () => {
  it('knows no driver error code', () => {
    const driverCode = /SQLITE_|\b57P0\d\b|\b53300\b|\bECONNREFUSED\b|\bETIMEDOUT\b|\bENOTFOUND\b/;
    const found = apiSources().filter((s) => driverCode.test(s.code));
    assert.deepEqual(
      found.map((s) => s.file),
      [],
    );
  });

  it('never touches the store: no `.store` reads, no store implementation imported', () => {
    for (const { file, code } of apiSources()) {
      assert.doesNotMatch(code, /\.store\b(?!\.ts)/, `${file} reads longrun.store`);
      assert.doesNotMatch(
        code,
        /from '\.\.\/store\/(?:sqlite|postgres|open)/,
        `${file} imports a store implementation`,
      );
    }
  });
});
