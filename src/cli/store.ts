/**
 * Opens the store a `--db` value names: a `postgres://` / `postgresql://` URL selects PostgreSQL,
 * anything else is a SQLite file path. PostgreSQL is imported lazily so a SQLite-only install never
 * loads `pg`, and the import goes through a computed specifier because the backend may be absent
 * from a checkout (the error then says so instead of crashing at startup).
 */
import type { NotificationRelay, Store } from '../store/types.ts';

export function isPostgresUrl(db: string): boolean {
  return /^postgres(?:ql)?:\/\//i.test(db);
}

interface PostgresModule {
  createPostgresStore(opts: { connectionString: string; schema?: string; migrate?: boolean }): Promise<Store>;
}

/**
 * `postgres://…/db?schema=name` selects a schema (default `public`): several deployments, or test
 * runs, can share one database. The parameter is ours, so it is taken out before `pg` sees the URL.
 */
export function splitSchema(url: string): { connectionString: string; schema?: string } {
  const u = new URL(url);
  const schema = u.searchParams.get('schema') ?? undefined;
  u.searchParams.delete('schema');
  return { connectionString: u.toString(), ...(schema ? { schema } : {}) };
}

/**
 * `migrate: false` opens without applying migrations (for `longrun migrate --dry-run`); `relay`
 * shares an embedded store's notifications with sibling processes (PostgreSQL's cross already).
 */
export async function openStore(
  db: string,
  opts: { migrate?: boolean; relay?: NotificationRelay } = {},
): Promise<Store> {
  if (isPostgresUrl(db)) {
    const specifier = new URL('../store/postgres/index.ts', import.meta.url).href;
    let mod: PostgresModule;
    try {
      mod = (await import(specifier)) as PostgresModule;
    } catch (err) {
      throw new Error(`the PostgreSQL store is not available in this build: ${(err as Error).message}`);
    }
    return mod.createPostgresStore({ ...splitSchema(db), migrate: opts.migrate });
  }
  const { createSqliteStore } = await import('../store/sqlite/index.ts');
  return createSqliteStore({ path: db, migrate: opts.migrate, relay: opts.relay });
}

/** Hides the password of a connection URL for log lines. */
export function describeDb(db: string): string {
  return isPostgresUrl(db) ? db.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@') : db;
}
