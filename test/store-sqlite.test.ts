/** The conformance suite on SQLite: a fresh database file per test, removed afterwards. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore } from '../src/store/sqlite/index.ts';
import { storeConformance } from './store-conformance.ts';

storeConformance('sqlite', async ({ clock, maxLogsPerJob }) => {
  const dir = mkdtempSync(join(tmpdir(), 'longrun-store-'));
  const store = await createSqliteStore({
    path: join(dir, 'test.db'),
    ...(clock ? { clock } : {}),
    ...(maxLogsPerJob !== undefined ? { maxLogsPerJob } : {}),
  });
  return {
    store,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
