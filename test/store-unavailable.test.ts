/**
 * Each store maps its driver's "not there right now" errors to `store_unavailable` itself, so the
 * API (and any other caller) knows only LongrunError codes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { isLongrunError } from '../src/core/errors.ts';
import { mapError as mapPgError } from '../src/store/postgres/db.ts';
import { mapError as mapSqliteError } from '../src/store/sqlite/db.ts';
import { createSqliteStore } from '../src/store/sqlite/index.ts';

describe('SQLite maps its unavailability to store_unavailable', () => {
  it('a closed store rejects every operation as store_unavailable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'longrun-unavailable-'));
    try {
      const store = await createSqliteStore({ path: join(dir, 'a.db') });
      await store.ping();
      await store.close();
      for (const call of [
        () => store.ping(),
        () => store.jobGet({ workspaceId: 'default', id: 'x' }),
        () => store.jobDetailJson({ workspaceId: 'default', id: 'x', logLimit: 10 }),
        () => store.apiKeyFindByHash({ hash: 'ab' }),
        () => store.eventSequenceLast(),
      ])
        await assert.rejects(call(), (err) => isLongrunError(err, 'store_unavailable'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a write lock held past the busy timeout (SQLITE_BUSY) becomes store_unavailable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'longrun-busy-'));
    const holder = new Database(join(dir, 'b.db'));
    const other = new Database(join(dir, 'b.db'));
    try {
      holder.exec('CREATE TABLE t (x)');
      other.pragma('busy_timeout = 0');
      holder.exec('BEGIN IMMEDIATE');
      let busy: unknown;
      try {
        other.exec('BEGIN IMMEDIATE');
      } catch (err) {
        busy = err;
      }
      assert.match(String((busy as { code?: string }).code), /^SQLITE_BUSY/);
      const mapped = mapSqliteError(busy);
      assert.ok(isLongrunError(mapped, 'store_unavailable'), String(mapped));
      assert.equal((mapped as Error).cause, busy, 'the driver error is kept as the cause, for the log');
      holder.exec('ROLLBACK');
    } finally {
      holder.close();
      other.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves other errors alone: a bug stays a bug (500), not a 503', () => {
    const constraint = Object.assign(new Error('UNIQUE constraint failed'), { code: 'SQLITE_CONSTRAINT' });
    assert.equal(mapSqliteError(constraint), constraint);
  });
});

describe('PostgreSQL maps a server shutting down to store_unavailable', () => {
  it('57P01 (admin_shutdown) and 57P03 (cannot_connect_now)', () => {
    for (const code of ['57P01', '57P03']) {
      const err = Object.assign(new Error('terminating connection'), { code });
      assert.ok(isLongrunError(mapPgError(err), 'store_unavailable'), code);
    }
    const syntax = Object.assign(new Error('syntax error'), { code: '42601' });
    assert.equal(mapPgError(syntax), syntax);
  });
});
