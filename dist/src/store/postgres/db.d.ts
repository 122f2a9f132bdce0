import pg from 'pg';
import { type Migration } from '../migrations.ts';
/** First key of the migration lock (the second is the schema's hash). */
export declare const MIGRATE_LOCK = 5001805;
/** The schema's namespace in event lock keys: 15 bits, so `ns << 16 | …` stays a positive int4. */
export declare function eventLockNamespace(schema: string): number;
export declare function validateSchema(schema: string): string;
/** A stable 32-bit hash of the schema name: the second key of the store's advisory locks. */
export declare function schemaKey(schema: string): number;
/**
 * `plan_cache_mode`: the hot statements are named (parsed once per connection) and have one sensible
 * plan each; without this PostgreSQL re-plans the large CTE statements on many executions, about a
 * millisecond each. Unnamed statements (dynamic list queries) are planned per call either way.
 * `idle_in_transaction_session_timeout`: a process frozen inside a transaction (SIGSTOP, a stuck
 * event loop) would keep its row locks, which blocks cancels of its jobs and hides them from the
 * reaper, and keep readers below its event lock; the server ends such a session instead.
 */
export declare function clientConfig(connectionString: string, schema: string): pg.ClientConfig;
export declare function createPool(connectionString: string, schema: string, max: number): pg.Pool;
export declare function isConnectionError(err: unknown): boolean;
/** Connection failures become `store_unavailable` (HTTP 503); everything else passes through. */
export declare function mapError(err: unknown): unknown;
export declare function listMigrations(dir?: string): Migration[];
/**
 * Applies pending migrations in one transaction under `pg_advisory_xact_lock`: a second process
 * starting at the same moment waits, then finds nothing left to do. DDL is transactional in
 * PostgreSQL, so a failed migration leaves the schema as it was.
 */
export declare function migrateSchema(pool: pg.Pool, schema: string, opts: {
    dryRun?: boolean;
    now: number | null;
}): Promise<{
    applied: string[];
    pending: string[];
}>;
//# sourceMappingURL=db.d.ts.map