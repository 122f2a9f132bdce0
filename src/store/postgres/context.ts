/**
 * What every PostgreSQL query module shares: the pool, the clock, the notification channels and
 * two ways to write. `writeOne` runs a single self-committing statement (claim, insert, heartbeat,
 * a finish with nothing buffered: one round trip). `transaction` runs BEGIN + statements + COMMIT
 * on one client, queueing BEGIN with the first statement and COMMIT with the last.
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
  /** See PostgresStoreOptions.claimCommit. */
  claimCommit: 'async' | 'sync';
  /** Tags this store's NOTIFY payloads so its own listener skips what was already announced locally. */
  instanceId: string;
  channels: Channels;
  /** The schema's 15-bit lock namespace and the event id sequence (see `eventLockFilter`). */
  eventLock: [number, string];
  /** The latest safe event id, shared by concurrent readers (see `readHorizon`). */
  horizon: { running: Promise<number> | null; next: Promise<number> | null };
  stats: { writeTransactions: number };
  local: LocalEmit;
  notifyState: Record<'jobs' | 'events', { busy: boolean; again: boolean }>;
  closed: boolean;
}

export function nowParam(ctx: PgContext): number | null {
  return ctx.clock ? ctx.clock.now() : null;
}

/**
 * Tells listeners about a committed change: this process at once, other processes by NOTIFY. The
 * NOTIFY is its own tiny statement after the commit rather than part of the writing transaction:
 * PostgreSQL serialises the commits of notifying transactions on one lock, held through the WAL
 * flush, and claims and finishes would queue on it. One NOTIFY per statement; bursts coalesce per
 * channel (`events` at most every 10 ms, trailing), cancels go one by one. `remote: false` is for a
 * statement that sent its own NOTIFY (an insert, where enqueue→start latency waits on it).
 */
export function announce(ctx: PgContext, n: Notify | null, opts: { remote?: boolean } = {}): void {
  if (!n) return;
  if (n.channel === 'jobs') ctx.local.jobsAvailable();
  if (n.channel === 'cancel') ctx.local.jobCancelled(n.jobId);
  ctx.local.eventsAdded();
  if (opts.remote === false) return;
  if (n.channel === 'cancel') sendNotify(ctx, ctx.channels.cancel, `${ctx.instanceId}:${n.jobId}`);
  else coalesced(ctx, n.channel);
}

const EVENTS_NOTIFY_GAP_MS = 10;

function coalesced(ctx: PgContext, channel: 'jobs' | 'events'): void {
  const state = ctx.notifyState[channel];
  if (state.busy) {
    state.again = true;
    return;
  }
  state.busy = true;
  state.again = false;
  const done = () => {
    const release = () => {
      state.busy = false;
      if (state.again) coalesced(ctx, channel);
    };
    if (channel === 'events') setTimeout(release, EVENTS_NOTIFY_GAP_MS).unref();
    else release();
  };
  sendNotify(ctx, ctx.channels[channel], ctx.instanceId).then(done, done);
}

/** Best effort: a lost NOTIFY costs other processes one polling interval, never correctness. */
function sendNotify(ctx: PgContext, channel: string, payload: string): Promise<unknown> {
  if (ctx.closed) return Promise.resolve();
  return ctx.pool.query('SELECT pg_notify($1, $2)', [channel, payload]).catch(() => {});
}

/**
 * Event ids come from a sequence, which hands them out in call order, not commit order. So that a
 * reader tailing `id > after` never skips an id that commits late, every statement that inserts
 * events first takes a SHARED advisory lock (held to commit) whose key encodes L = the last
 * allocated id + 1, a lower bound of the ids it is about to get; readers stay below
 * `event_horizon()` (001_init.sql). Shared locks never wait for each other, so writers on many
 * connections commit in parallel. Evaluated as a one-time filter of the event INSERT, so the lock
 * is held before the first id is drawn. Parameters `$a, $b` are `ctx.eventLock`.
 */
export function eventLockFilter(a: number, b: number): string {
  return `(SELECT true FROM (SELECT pg_advisory_xact_lock_shared(
      (($${a}::int::bigint << 16) | ((l.v >> 32) & 65535))::int,
      ((l.v & 4294967295) - CASE WHEN (l.v & 2147483648) <> 0 THEN 4294967296 ELSE 0 END)::int)
    FROM (SELECT coalesce(pg_sequence_last_value($${b}::text::regclass), 0) + 1 AS v) l) x)`;
}

export type Query = { text: string; values: unknown[]; name?: string };

export async function read(ctx: PgContext, q: Query): Promise<Row[]> {
  try {
    return (await ctx.pool.query(q)).rows as Row[];
  } catch (err) {
    throw mapError(err);
  }
}

export class Tx {
  ended = false;
  constructor(readonly client: pg.PoolClient) {}

  async query(q: Query): Promise<Row[]> {
    return (await this.client.query(q)).rows as Row[];
  }

  /**
   * The transaction's last statement with COMMIT queued behind it: pg sends the COMMIT from its
   * socket handler the moment the statement's result arrives, not after this process gets round
   * to the awaiting code (it may be busy running handlers), so the locks the statement took are
   * held for as short a time as the connection allows.
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

/**
 * PostgreSQL ends one transaction of a deadlock (40P01), or of a serialization conflict (40001),
 * with an error and rolls it back whole: nothing of it is kept, so running it again is safe and is
 * what the server asks for. Hot rows make these rare but real (a cancel locks its job, then the
 * count rows a finishing batch holds while waiting for that job).
 */
const RETRY_CODES = new Set(['40P01', '40001']);
const MAX_TRIES = 4;

/** One self-committing write statement, run again after a deadlock. */
export async function writeOne(ctx: PgContext, q: Query): Promise<Row[]> {
  for (let tries = 1; ; tries++) {
    try {
      const rows = (await ctx.pool.query(q)).rows as Row[];
      ctx.stats.writeTransactions++;
      return rows;
    } catch (err) {
      if (!retriable(err, tries)) throw mapError(err);
      await backoff(tries);
    }
  }
}

/**
 * Runs `fn` in a transaction. `fn` may run more than once (after a deadlock, see RETRY_CODES): it
 * must build whatever it returns inside, not add to state from outside.
 */
export async function transaction<T>(ctx: PgContext, fn: (tx: Tx) => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await transactionOnce(ctx, fn);
    } catch (err) {
      if (!retriable(err, tries)) throw err;
      await backoff(tries);
    }
  }
}

function retriable(err: unknown, tries: number): boolean {
  return tries < MAX_TRIES && RETRY_CODES.has(String((err as { code?: unknown }).code));
}

/** A few ms with jitter, so the transactions of a deadlock do not meet again in lockstep. */
function backoff(tries: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.random() * 5 * 2 ** tries));
}

async function transactionOnce<T>(ctx: PgContext, fn: (tx: Tx) => Promise<T>): Promise<T> {
  let client: pg.PoolClient;
  try {
    client = await ctx.pool.connect();
  } catch (err) {
    throw mapError(err);
  }
  const tx = new Tx(client);
  let broken = false;
  try {
    // Queued, not awaited: pg sends the first statement as soon as BEGIN completes.
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

/**
 * The highest event id a reader may return (see `event_horizon()` in 001_init.sql), from its own
 * statement, before the read's. Concurrent callers share one query, but only one that STARTED after
 * they called: a query already running may have looked at the locks before their events committed.
 */
export function readHorizon(ctx: PgContext): Promise<number> {
  const h = ctx.horizon;
  const start = (): Promise<number> => {
    const p = read(ctx, {
      name: 'longrun_event_horizon',
      text: 'SELECT event_horizon($1) AS h',
      values: [ctx.eventLock[0]],
    }).then((rows) => Number(rows[0]?.h ?? 0));
    h.running = p;
    const clear = () => {
      if (h.running === p) h.running = null;
    };
    p.then(clear, clear);
    return p;
  };
  if (!h.running) return start();
  if (!h.next) {
    const after = h.running.then(
      () => undefined,
      () => undefined,
    );
    h.next = after.then(() => {
      h.next = null;
      return start();
    });
  }
  return h.next;
}
