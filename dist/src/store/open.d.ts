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
export declare class DriverMissingError extends Error {
    readonly driver: 'pg' | 'better-sqlite3';
    constructor(driver: 'pg' | 'better-sqlite3', message: string, options?: {
        cause?: unknown;
    });
}
export declare function createSqliteStore(opts: SqliteStoreOptions): Promise<Store>;
export declare function createPostgresStore(opts: PostgresStoreOptions): Promise<Store>;
//# sourceMappingURL=open.d.ts.map