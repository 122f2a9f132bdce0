/**
 * Opens the store a `--db` value names: a `postgres://` / `postgresql://` URL selects PostgreSQL,
 * anything else is a SQLite file path. Each backend loads its driver only when opened (store/open.ts),
 * so a SQLite-only install never needs `pg`.
 */
import { createPostgresStore, createSqliteStore } from "../store/open.js";
export function isPostgresUrl(db) {
    return /^postgres(?:ql)?:\/\//i.test(db);
}
/**
 * `postgres://…/db?schema=name` selects a schema (default `public`): several deployments, or test
 * runs, can share one database. The parameter is ours, so it is taken out before `pg` sees the URL.
 */
export function splitSchema(url) {
    const u = new URL(url);
    const schema = u.searchParams.get('schema') ?? undefined;
    u.searchParams.delete('schema');
    return { connectionString: u.toString(), ...(schema ? { schema } : {}) };
}
/**
 * `migrate: false` opens without applying migrations (for `longrun migrate --dry-run`); `relay`
 * shares an embedded store's notifications with sibling processes (PostgreSQL's cross already).
 */
export async function openStore(db, opts = {}) {
    if (isPostgresUrl(db))
        return createPostgresStore({ ...splitSchema(db), migrate: opts.migrate });
    return createSqliteStore({ path: db, migrate: opts.migrate, relay: opts.relay });
}
/** Hides the password of a connection URL for log lines. */
export function describeDb(db) {
    return isPostgresUrl(db) ? db.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@') : db;
}
//# sourceMappingURL=store.js.map