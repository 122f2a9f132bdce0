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
import type { JobListParams } from '../src/store/types.ts';

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

/** A database as release 003 left it, holding a finished job and an API key. */
function schema003(path: string): void {
  const db = new Database(path);
  db.exec(
    'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
  );
  for (const name of ['001_init.sql', '002_event_ids_never_reused.sql', '003_settings.sql']) {
    db.exec(readFileSync(join(MIGRATIONS, name), 'utf8'));
    db.prepare('INSERT INTO schema_migrations VALUES (?, ?, 0)').run(Number(name.slice(0, 3)), name);
  }
  db.prepare(
    `INSERT INTO jobs (id, workspace_id, type, category, name, status, input, max_attempts, run_at, created_at,
       updated_at, completed_at) VALUES ('j1', 'ws1', 't', 'seo', 'Publish 50%_off', 'completed', '{"bucket":{"id":"b1"}}', 1, 0, 0, 0, 120000)`,
  ).run();
  // Completed before 006: its last attempt lived only on the job row.
  db.prepare(
    `INSERT INTO jobs (id, workspace_id, type, category, name, status, input, max_attempts, run_at, created_at,
       updated_at, completed_at, attempt, lease_owner, attempt_started_at)
     VALUES ('j2', 'ws1', 't', 'sync', 'Sync', 'completed', '{}', 3, 0, 0, 0, 90000, 2, 'w1', 80000)`,
  ).run();
  db.prepare(
    "INSERT INTO job_attempts VALUES ('j2', 1, 'ws1', 'w0', 10000, 20000, 'failed', 'handler_error: boom')",
  ).run();
  db.prepare(
    "INSERT INTO api_keys (id, workspace_id, name, scope, hash, prefix, created_at) VALUES ('k1', 'ws1', 'ops', 'admin', 'kh', 'lr_', 0)",
  ).run();
  db.close();
}

describe('SQLite migrations', () => {
  it('004 adds sessions and the dashboard indexes to a 003 database, which its old rows use; 006 gives completed attempts their row', async () => {
    const path = join(dir, 'v3.db');
    schema003(path);
    const store = await createSqliteStore({ path });
    try {
      const session = await store.sessionCreate({ workspaceId: 'ws1', keyId: 'k1', hash: 'sh' });
      assert.equal((await store.sessionFind({ hash: 'sh', idleMs: 60_000 }))?.id, session.id);
      const find = async (p: Omit<JobListParams, 'workspaceId' | 'limit'>) =>
        (await store.jobList({ workspaceId: 'ws1', limit: 5, ...p })).jobs.map((j) => j.id);
      assert.deepEqual(await find({ namePrefix: 'Publish 50%_' }), ['j1']);
      assert.deepEqual(await find({ input: [{ path: ['bucket', 'id'], value: 'b1' }] }), ['j1']);
      assert.deepEqual(await store.jobTimeseries({ workspaceId: 'ws1', since: 0, bucketMs: 60_000 }), [
        { start: 60_000, completed: 1, failed: 0, cancelled: 0 },
        { start: 120_000, completed: 1, failed: 0, cancelled: 0 },
      ]);
      assert.deepEqual(await store.attemptList({ jobId: 'j2' }), [
        {
          attempt: 1,
          workerId: 'w0',
          startedAt: 10_000,
          endedAt: 20_000,
          outcome: 'failed',
          error: 'handler_error: boom',
        },
        { attempt: 2, workerId: 'w1', startedAt: 80_000, endedAt: 90_000, outcome: 'completed', error: null },
      ]);
    } finally {
      await store.close();
    }
    const db = new Database(path, { readonly: true });
    const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
    const indexes = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'jobs_ws_%' ORDER BY name")
      .pluck()
      .all();
    db.close();
    assert.deepEqual(versions, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.ok(indexes.includes('jobs_ws_finished') && indexes.includes('jobs_ws_name'), indexes.join());
  });

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
    assert.deepEqual(versions, [
      { version: 1 },
      { version: 2 },
      { version: 3 },
      { version: 4 },
      { version: 5 },
      { version: 6 },
      { version: 7 },
      { version: 8 },
      { version: 9 },
      { version: 10 },
    ]);
    assert.match(sql.sql, /AUTOINCREMENT/);
    assert.deepEqual(indexes, [{ name: 'job_events_job' }]);
  });
});
