/**
 * The public way to open a store. Each backend, and so its driver, is imported only when a store of
 * that kind is opened: `pg` is an optional peer dependency and better-sqlite3 an optional
 * dependency (docs/getting-started.md, "Drivers"), so either may be missing, and a missing one is
 * an error that names the package to install rather than a failed import at start-up.
 *
 * ```ts
 * const store = await createPostgresStore({ connectionString: process.env.DATABASE_URL! });
 * ```
 */
import type { PostgresStoreOptions, SqliteStoreOptions } from './options.ts';
import type { Store } from './types.ts';

export type { PostgresStoreOptions, SqliteStoreOptions } from './options.ts';

/** A driver that is not installed, or installed but not built; the message says what to run. */
export class DriverMissingError extends Error {
  constructor(
    readonly driver: 'pg' | 'better-sqlite3',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DriverMissingError';
  }
}

function isMissingPackage(err: unknown, pkg: string): boolean {
  const e = err as { code?: string; message?: string } | null;
  return e?.code === 'ERR_MODULE_NOT_FOUND' && (e.message ?? '').includes(`'${pkg}'`);
}

/** better-sqlite3 loads its native addon on the first `new Database()`, not on import. */
function isUnbuiltAddon(err: unknown): boolean {
  const message = (err as { message?: string } | null)?.message ?? '';
  return /better_sqlite3\.node|bindings file|ERR_DLOPEN_FAILED|NODE_MODULE_VERSION/.test(message);
}

export async function createSqliteStore(opts: SqliteStoreOptions): Promise<Store> {
  let backend: typeof import('./sqlite/index.ts');
  try {
    backend = await import('./sqlite/index.ts');
  } catch (err) {
    if (!isMissingPackage(err, 'better-sqlite3')) throw err;
    throw new DriverMissingError(
      'better-sqlite3',
      'the SQLite store needs the better-sqlite3 package, which is not installed (npm install better-sqlite3@12); or use PostgreSQL with a postgres:// URL',
      { cause: err },
    );
  }
  try {
    return await backend.createSqliteStore(opts);
  } catch (err) {
    if (!isUnbuiltAddon(err)) throw err;
    throw new DriverMissingError(
      'better-sqlite3',
      `better-sqlite3 is installed but its native addon does not load (${(err as Error).message.split('\n')[0]}): run npm rebuild better-sqlite3`,
      { cause: err },
    );
  }
}

export async function createPostgresStore(opts: PostgresStoreOptions): Promise<Store> {
  let backend: typeof import('./postgres/index.ts');
  try {
    backend = await import('./postgres/index.ts');
  } catch (err) {
    if (!isMissingPackage(err, 'pg')) throw err;
    throw new DriverMissingError(
      'pg',
      'the PostgreSQL store needs the pg package, which is not installed: npm install pg',
      { cause: err },
    );
  }
  return backend.createPostgresStore(opts);
}
