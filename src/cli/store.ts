/**
 * Opens the store a `--db` value names: a `postgres://` / `postgresql://` URL selects PostgreSQL,
 * anything else is a SQLite file path. Each backend loads its driver only when opened (store/open.ts),
 * so a SQLite-only install never needs `pg`.
 */
import { createPostgresStore, createSqliteStore } from '../store/open.ts';
import type { NotificationRelay, Store } from '../store/types.ts';

export function isPostgresUrl(db: string): boolean {
  return /^postgres(?:ql)?:\/\//i.test(db);
}

/**
 * Longrun's own URL parameters, taken out before `pg` sees the URL:
 * - `?schema=name` selects a schema (default `public`): several deployments, or test runs, can
 *   share one database;
 * - `?claim_commit=sync|async` says how claims commit (PostgresStoreOptions.claimCommit).
 */
export function parseDbUrl(url: string): {
  connectionString: string;
  schema?: string;
  claimCommit?: 'async' | 'sync';
} {
  const u = new URL(url);
  const schema = u.searchParams.get('schema') ?? undefined;
  const claimCommit = u.searchParams.get('claim_commit') ?? undefined;
  if (claimCommit !== undefined && claimCommit !== 'sync' && claimCommit !== 'async')
    throw new Error(`claim_commit in the database URL must be sync or async, not ${claimCommit}`);
  u.searchParams.delete('schema');
  u.searchParams.delete('claim_commit');
  return {
    connectionString: u.toString(),
    ...(schema ? { schema } : {}),
    ...(claimCommit ? { claimCommit } : {}),
  };
}

/**
 * `migrate: false` opens without applying migrations (for `longrun migrate --dry-run`); `relay`
 * shares an embedded store's notifications with sibling processes (PostgreSQL's cross already).
 */
export async function openStore(
  db: string,
  opts: { migrate?: boolean; relay?: NotificationRelay } = {},
): Promise<Store> {
  if (isPostgresUrl(db)) return createPostgresStore({ ...parseDbUrl(db), migrate: opts.migrate });
  return createSqliteStore({ path: db, migrate: opts.migrate, relay: opts.relay });
}

/** Hides the password of a connection URL for log lines. */
export function describeDb(db: string): string {
  return isPostgresUrl(db) ? db.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@') : db;
}
