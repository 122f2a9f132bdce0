/**
 * SQLite migrations on a file that already holds data: a store opened on a database created by an
 * earlier release migrates it forward without losing a row.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { createSqliteStore } from '../src/store/sqlite/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'longrun-migrate-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const MIGRATIONS = join(import.meta.dirname, '..', 'src', 'store', 'sqlite', 'migrations');

/** A database as release 001 left it, with events 1–5 of which the newest two were purged. */
function schema001(path: string): void {
  const db = new Database(path);
  db.exec(readFileSync(join(MIGRATIONS, '001_init.sql'), 'utf8'));
  db.exec(
    'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
  );
  db.prepare('INSERT INTO schema_migrations VALUES (1, ?, 0)').run('001_init.sql');
  const event = db.prepare(
    "INSERT INTO job_events (id, workspace_id, job_id, kind, attempt, data, created_at) VALUES (?, 'ws1', 'j1', 'status', 1, '{}', 0)",
  );
  for (let id = 1; id <= 5; id++) event.run(id);
  db.prepare('DELETE FROM job_events WHERE id > 3').run();
  db.close();
}

describe('SQLite migrations', () => {
  it('002 keeps every event and issues ids above the highest one left', async () => {
    const path = join(dir, 'old.db');
    schema001(path);
    const store = await createSqliteStore({ path });
    try {
      const events = await store.eventList({ workspaceId: 'ws1', after: 0, limit: 10 });
      assert.deepEqual(
        events.map((e) => [e.id, e.jobId, e.kind]),
        [
          [1, 'j1', 'status'],
          [2, 'j1', 'status'],
          [3, 'j1', 'status'],
        ],
      );
      // Ids 4 and 5 were issued by the old schema and are gone: nothing records them, so the
      // sequence starts from what the file still holds. From here on no id comes back.
      assert.equal(await store.eventSequenceLast(), 3);
    } finally {
      await store.close();
    }
    const db = new Database(path, { readonly: true });
    const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all();
    const sql = db.prepare("SELECT sql FROM sqlite_master WHERE name = 'job_events'").get() as {
      sql: string;
    };
    const indexes = db
      .prepare("SELECT name FROM sqlite_master WHERE tbl_name = 'job_events' AND type = 'index'")
      .all();
    db.close();
    assert.deepEqual(versions, [{ version: 1 }, { version: 2 }, { version: 3 }]);
    assert.match(sql.sql, /AUTOINCREMENT/);
    assert.deepEqual(indexes, [{ name: 'job_events_job' }]);
  });
});
