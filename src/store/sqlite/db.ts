/**
 * Opening a SQLite file the way Longrun needs it: WAL so readers never block the writer,
 * `synchronous = NORMAL` (durable at checkpoints; a power cut may lose the last transactions but
 * never corrupts), a busy timeout so several processes can share one file, and numbered migrations
 * applied under `BEGIN IMMEDIATE` so two processes starting together migrate once.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { LongrunError } from '../../core/errors.ts';
import { listMigrations as listStoredMigrations, type Migration } from '../migrations.ts';

export type Db = Database.Database;
export type Stmt = Database.Statement<unknown[], Record<string, unknown>>;

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

export function openDatabase(path: string): Db {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  // Another process holding the write lock makes us wait rather than fail at once.
  db.pragma('busy_timeout = 10000');
  db.pragma('cache_size = -65536');
  db.pragma('temp_store = MEMORY');
  return db;
}

/**
 * The file cannot be used right now: another process held the write lock past the busy timeout,
 * the file cannot be opened or read, or this store was closed. Extended codes (`SQLITE_BUSY_SNAPSHOT`,
 * `SQLITE_IOERR_WRITE`) count with their primary code.
 */
const UNAVAILABLE_CODE = /^SQLITE_(?:BUSY|LOCKED|CANTOPEN|IOERR)(?:_|$)/;
const CLOSED_MESSAGE = /database connection is not open/i;

export function isUnavailableError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  return (typeof code === 'string' && UNAVAILABLE_CODE.test(code)) || CLOSED_MESSAGE.test(err.message);
}

/** Unavailability becomes `store_unavailable` (HTTP 503); everything else passes through. */
export function mapError(err: unknown): unknown {
  if (err instanceof LongrunError || !isUnavailableError(err)) return err;
  const why = (err as { code?: string }).code ?? 'closed';
  return new LongrunError('store_unavailable', `the SQLite store cannot be used now (${why}); retry later`, {
    cause: err,
  });
}

/**
 * A synchronous operation as a `Store` method: a promise of its result, or of its error through
 * `mapError`. It costs what an `async` wrapper would: no extra turn, no extra promise.
 */
export function op<P, R>(fn: (p: P) => R): (p?: P) => Promise<R> {
  return (p) => {
    try {
      // Optional only so that parameterless methods fit; the Store's signature says when it is given.
      return Promise.resolve(fn(p as P));
    } catch (err) {
      return Promise.reject(mapError(err));
    }
  };
}

export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return listStoredMigrations(dir);
}

export function migrateDatabase(
  db: Db,
  opts: { dryRun?: boolean; now: number },
): { applied: string[]; pending: string[] } {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
  );
  const run = db.transaction(() => {
    const done = new Set(
      (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map(
        (r) => r.version,
      ),
    );
    const pending = listMigrations().filter((m) => !done.has(m.version));
    if (opts.dryRun) return { applied: [], pending: pending.map((m) => m.name) };
    for (const m of pending) {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        opts.now,
      );
    }
    return { applied: pending.map((m) => m.name), pending: [] };
  });
  return run.immediate();
}

/**
 * `LIMIT n` as literal SQL for reads. A bound `LIMIT ?` makes this SQLite build re-prepare the
 * statement on every run (measured: 4.3 µs against 0.4 µs for an empty log read), and the API's
 * limits are small validated integers, so each distinct value is one more cached statement.
 */
export function limitClause(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new RangeError(`LIMIT must be a non-negative integer, got ${n}`);
  return `LIMIT ${n}`;
}

/** Prepared statements cached by their SQL text; hot paths prepare once per process. */
export class StatementCache {
  private readonly cache = new Map<string, Stmt>();
  private readonly byName = new Map<string, Stmt>();
  constructor(private readonly db: Db) {}

  /**
   * A statement under a short name, its SQL built only the first time. For the hot reads whose
   * text is long and assembled per call: looking a fresh 1.5 KB string up in `get`'s map means
   * flattening and hashing it on every request.
   */
  named(name: string, build: () => string): Stmt {
    let stmt = this.byName.get(name);
    if (!stmt) {
      stmt = this.get(build());
      this.byName.set(name, stmt);
    }
    return stmt;
  }

  get(sql: string): Stmt {
    let stmt = this.cache.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql) as Stmt;
      this.cache.set(sql, stmt);
    }
    return stmt;
  }
}
