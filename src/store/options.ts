/**
 * The options of the two backends, kept apart from them so that the public types name no driver:
 * a project on SQLite type-checks without `pg` installed, and one on PostgreSQL without
 * better-sqlite3.
 */
import type { Clock } from '../core/clock.ts';
import type { NotificationRelay } from './types.ts';

export interface SqliteStoreOptions {
  /** A file path, or `:memory:` for a throwaway store. */
  path: string;
  clock?: Clock;
  /** Log lines kept per job; later lines are counted and dropped after one marker line. */
  maxLogsPerJob?: number;
  /** Apply pending migrations on open (default true). */
  migrate?: boolean;
  /** Shares notifications with the other processes on this file (see `NotificationRelay`). */
  relay?: NotificationRelay;
}

export interface PostgresStoreOptions {
  connectionString: string;
  /** Schema holding the tables (default `public`); created by the first migration. */
  schema?: string;
  /** Tests only: replaces the database clock with this one. */
  clock?: Clock;
  /** Log lines kept per job; later lines are counted and dropped after one marker line. */
  maxLogsPerJob?: number;
  /** Apply pending migrations on open (default true). */
  migrate?: boolean;
  /** Pooled connections for queries (default 10); LISTEN uses one more, opened on first subscription. */
  poolSize?: number;
  /**
   * How a claim commits (default `'async'`): `'async'` sets `synchronous_commit = off` for the
   * claim's own transaction, so it does not wait for its WAL flush (about 1 ms of enqueue→start
   * here); `'sync'` commits it as the server is configured, like every other write. A claim lost to
   * a crash is safe either way: the job is pending again and the lease fences the worker that had
   * started it (docs/scaling.md, "Claims commit asynchronously").
   */
  claimCommit?: 'async' | 'sync';
}
