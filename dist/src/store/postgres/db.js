/**
 * Connecting to PostgreSQL the way Longrun needs it: a pool whose clients live in the store's
 * schema (`search_path` set at connection start, so every statement is unqualified), BIGINT parsed
 * to numbers on this pool only, connection failures reported as `store_unavailable`, and numbered
 * migrations applied under an advisory lock so several processes starting together migrate once.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { LongrunError } from "../../core/errors.js";
import { listMigrations as listStoredMigrations } from "../migrations.js";
const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');
/** First key of the migration lock (the second is the schema's hash). */
export const MIGRATE_LOCK = 0x4c524d;
/** The schema's namespace in event lock keys: 15 bits, so `ns << 16 | …` stays a positive int4. */
export function eventLockNamespace(schema) {
    return schemaKey(schema) & 0x7fff;
}
const INT8_OID = 20;
/**
 * Millisecond timestamps and ids fit in a double; parsing int8 here keeps `pg.types` global state
 * untouched for anything else in the process that uses `pg`.
 */
const types = {
    getTypeParser: ((oid, format) => oid === INT8_OID && format !== 'binary'
        ? (v) => Number(v)
        : pg.types.getTypeParser(oid, format)),
};
export function validateSchema(schema) {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
        throw new LongrunError('invalid_input', `schema name ${JSON.stringify(schema)} must match [a-z_][a-z0-9_]*`);
    }
    return schema;
}
/** A stable 32-bit hash of the schema name: the second key of the store's advisory locks. */
export function schemaKey(schema) {
    let h = 0x811c9dc5;
    for (let i = 0; i < schema.length; i++) {
        h ^= schema.charCodeAt(i);
        h = Math.imul(h, 0x01000193);
    }
    return h | 0;
}
/**
 * `plan_cache_mode`: the hot statements are named (parsed once per connection) and have one sensible
 * plan each; without this PostgreSQL re-plans the large CTE statements on many executions, about a
 * millisecond each. Unnamed statements (dynamic list queries) are planned per call either way.
 * `idle_in_transaction_session_timeout`: a process frozen inside a transaction (SIGSTOP, a stuck
 * event loop) would keep its row locks, which blocks cancels of its jobs and hides them from the
 * reaper, and keep readers below its event lock; the server ends such a session instead.
 */
export function clientConfig(connectionString, schema) {
    return {
        connectionString,
        options: `-c search_path=${schema} -c plan_cache_mode=force_generic_plan -c idle_in_transaction_session_timeout=10000`,
        types,
        keepAlive: true,
        keepAliveInitialDelayMillis: 10_000,
        connectionTimeoutMillis: 5_000,
        application_name: 'longrun',
    };
}
export function createPool(connectionString, schema, max) {
    const pool = new pg.Pool({ ...clientConfig(connectionString, schema), max, idleTimeoutMillis: 30_000 });
    // An idle client that loses its server emits here; without a listener the process would crash.
    // The next checkout gets a fresh connection, and a query on a dead one fails as store_unavailable.
    pool.on('error', () => { });
    // A checked-out client has no pool listener, and one that loses its server between two
    // statements of a transaction emits 'error' on itself: the same crash. Its next statement fails
    // as a connection error instead, and the transaction releases it as broken.
    pool.on('connect', (client) => client.on('error', () => { }));
    return pool;
}
const CONNECTION_ERRNO = new Set([
    'ECONNREFUSED',
    'ECONNRESET',
    'ETIMEDOUT',
    'ENOTFOUND',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'EPIPE',
    'EAI_AGAIN',
    'ECONNABORTED',
]);
/** admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections. */
const CONNECTION_SQLSTATE = new Set(['57P01', '57P02', '57P03', '53300']);
const CONNECTION_MESSAGE = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|connection is closed|Client was closed|Cannot use a pool after calling end/i;
export function isConnectionError(err) {
    if (!(err instanceof Error))
        return false;
    const code = err.code;
    if (typeof code === 'string') {
        if (CONNECTION_ERRNO.has(code) || CONNECTION_SQLSTATE.has(code) || code.startsWith('08'))
            return true;
    }
    if (err instanceof AggregateError)
        return err.errors.some(isConnectionError);
    return CONNECTION_MESSAGE.test(err.message);
}
/** Connection failures become `store_unavailable` (HTTP 503); everything else passes through. */
export function mapError(err) {
    if (err instanceof LongrunError)
        return err;
    if (isConnectionError(err)) {
        const detail = err instanceof Error ? err.message || err.code : String(err);
        return new LongrunError('store_unavailable', `PostgreSQL is unreachable: ${detail}`, { cause: err });
    }
    return err;
}
export function listMigrations(dir = MIGRATIONS_DIR) {
    return listStoredMigrations(dir);
}
/**
 * Applies pending migrations in one transaction under `pg_advisory_xact_lock`: a second process
 * starting at the same moment waits, then finds nothing left to do. DDL is transactional in
 * PostgreSQL, so a failed migration leaves the schema as it was.
 */
export async function migrateSchema(pool, schema, opts) {
    const client = await pool.connect().catch((err) => {
        throw mapError(err);
    });
    let broken = false;
    try {
        if (opts.dryRun) {
            const exists = await client.query('SELECT to_regclass($1) AS t', [
                `"${schema}".schema_migrations`,
            ]);
            const done = exists.rows[0]?.t
                ? new Set((await client.query('SELECT version FROM schema_migrations')).rows.map((r) => r.version))
                : new Set();
            return {
                applied: [],
                pending: listMigrations()
                    .filter((m) => !done.has(m.version))
                    .map((m) => m.name),
            };
        }
        await client.query('BEGIN');
        await client.query('SELECT pg_advisory_xact_lock($1, $2)', [MIGRATE_LOCK, schemaKey(schema)]);
        await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
        await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
        const done = new Set((await client.query('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
        const pending = listMigrations().filter((m) => !done.has(m.version));
        for (const m of pending) {
            await client.query(m.sql);
            await client.query(`INSERT INTO schema_migrations (version, name, applied_at)
         VALUES ($1, $2, coalesce($3::bigint, (extract(epoch from clock_timestamp()) * 1000)::bigint))`, [m.version, m.name, opts.now]);
        }
        await client.query('COMMIT');
        return { applied: pending.map((m) => m.name), pending: [] };
    }
    catch (err) {
        broken = isConnectionError(err);
        if (!broken)
            await client.query('ROLLBACK').catch(() => { });
        throw mapError(err);
    }
    finally {
        client.release(broken);
    }
}
//# sourceMappingURL=db.js.map