/**
 * What every PostgreSQL query module shares: the pool, the clock, the notification channels and
 * two ways to write. `writeOne` runs a single self-committing statement (claim, insert, heartbeat:
 * one round trip). `transaction` runs BEGIN + statements + COMMIT on one client, sending BEGIN with
 * the first statement and COMMIT with the last, so a fenced batch costs two round trips.
 */
import type pg from 'pg';
import type { Clock } from '../../core/clock.ts';
import type { Row } from '../rows.ts';
import { isConnectionError, mapError } from './db.ts';

/** The database clock in ms. `clock_timestamp()`, not `now()`: a long transaction must not see stale time. */
export const CLOCK_SQL = '(extract(epoch from clock_timestamp()) * 1000)::bigint';

/** `$n` when the store runs on an injected clock (tests), else the database clock. */
export function nowSql(n: number): string {
  return `coalesce($${n}::bigint, ${CLOCK_SQL})`;
}

export interface Channels {
  jobs: string;
  cancel: string;
  events: string;
}

export type Notify = { channel: 'jobs' | 'events' } | { channel: 'cancel'; jobId: string };

export interface LocalEmit {
  jobsAvailable(): void;
  jobCancelled(id: string): void;
  eventsAdded(): void;
}

export interface PgContext {
  pool: pg.Pool;
  schema: string;
  /** Null: the database clock decides. */
  clock: Clock | null;
  maxLogsPerJob: number;
  /** Tags this store's NOTIFY payloads so its own listener skips what was already announced locally. */
  instanceId: string;
  channels: Channels;
  /** Advisory lock keys serialising event inserts with their commit (see `EVENT_LOCK_FILTER`). */
  eventLock: [number, number];
  stats: { writeTransactions: number };
  local: LocalEmit;
}

export function nowParam(ctx: PgContext): number | null {
  return ctx.clock ? ctx.clock.now() : null;
}

/** pg_notify arguments for a transaction's single NOTIFY. */
export function notifyArgs(ctx: PgContext, n: Notify | null): [string | null, string | null] {
  if (!n) return [null, null];
  if (n.channel === 'cancel') return [ctx.channels.cancel, `${ctx.instanceId}:${n.jobId}`];
  return [ctx.channels[n.channel], ctx.instanceId];
}

/** Announces a committed change to listeners in this process (others hear the NOTIFY). */
export function emitLocal(ctx: PgContext, n: Notify | null): void {
  if (!n) return;
  if (n.channel === 'jobs') ctx.local.jobsAvailable();
  if (n.channel === 'cancel') ctx.local.jobCancelled(n.jobId);
  ctx.local.eventsAdded();
}

/**
 * Event ids come from a sequence, and sequences hand out numbers in call order, not commit order:
 * without care a reader tailing `id > after` could see id 11 committed, move its cursor, and never
 * see id 10 committing a moment later. Every statement that inserts events therefore takes this
 * transaction-scoped lock right before its first row gets an id and holds it to COMMIT (sent in
 * the same round trip), so event-writing transactions become visible in id order. Parameters
 * `$a, $b` are `ctx.eventLock`.
 */
export function eventLockFilter(a: number, b: number): string {
  return `(SELECT true FROM (SELECT pg_advisory_xact_lock($${a}::int, $${b}::int)) l)`;
}

export type Query = { text: string; values: unknown[]; name?: string };

export async function read(ctx: PgContext, q: Query): Promise<Row[]> {
  try {
    return (await ctx.pool.query(q)).rows as Row[];
  } catch (err) {
    throw mapError(err);
  }
}

/** One self-committing write statement. */
export async function writeOne(ctx: PgContext, q: Query): Promise<Row[]> {
  const rows = await read(ctx, q);
  ctx.stats.writeTransactions++;
  return rows;
}

export class Tx {
  ended = false;
  constructor(readonly client: pg.PoolClient) {}

  async query(q: Query): Promise<Row[]> {
    return (await this.client.query(q)).rows as Row[];
  }

  /**
   * The transaction's last statement and COMMIT back to back: the server commits as soon as the
   * statement ends instead of waiting a round trip for this process, which may be busy running
   * handlers. Locks the statement took (row locks, the event lock) are released that much sooner.
   */
  async queryAndCommit(q: Query): Promise<Row[]> {
    const [result, commit] = await Promise.allSettled([this.client.query(q), this.client.query('COMMIT')]);
    this.ended = true;
    // A failed statement aborts the transaction; the COMMIT after it then rolls back.
    if (result.status === 'rejected') throw result.reason;
    if (commit.status === 'rejected') throw commit.reason;
    return result.value.rows as Row[];
  }
}

export async function transaction<T>(ctx: PgContext, fn: (tx: Tx) => Promise<T>): Promise<T> {
  let client: pg.PoolClient;
  try {
    client = await ctx.pool.connect();
  } catch (err) {
    throw mapError(err);
  }
  const tx = new Tx(client);
  let broken = false;
  try {
    // Queued with the first statement: pg sends it at once and the statement follows without a wait.
    const begin = client.query('BEGIN');
    begin.catch(() => {});
    const out = await fn(tx);
    await begin;
    if (!tx.ended) await client.query('COMMIT');
    tx.ended = true;
    ctx.stats.writeTransactions++;
    return out;
  } catch (err) {
    broken = isConnectionError(err);
    if (!tx.ended && !broken) await client.query('ROLLBACK').catch(() => {});
    throw mapError(err);
  } finally {
    client.release(broken);
  }
}
