import type { NotificationRelay, Store } from '../store/types.ts';
export declare function isPostgresUrl(db: string): boolean;
/**
 * `postgres://…/db?schema=name` selects a schema (default `public`): several deployments, or test
 * runs, can share one database. The parameter is ours, so it is taken out before `pg` sees the URL.
 */
export declare function splitSchema(url: string): {
    connectionString: string;
    schema?: string;
};
/**
 * `migrate: false` opens without applying migrations (for `longrun migrate --dry-run`); `relay`
 * shares an embedded store's notifications with sibling processes (PostgreSQL's cross already).
 */
export declare function openStore(db: string, opts?: {
    migrate?: boolean;
    relay?: NotificationRelay;
}): Promise<Store>;
/** Hides the password of a connection URL for log lines. */
export declare function describeDb(db: string): string;
//# sourceMappingURL=store.d.ts.map