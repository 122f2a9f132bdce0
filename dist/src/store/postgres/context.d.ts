/**
 * What every PostgreSQL query module shares: the pool, the clock, the notification channels and
 * two ways to write. `writeOne` runs a single self-committing statement (claim, insert, heartbeat,
 * a finish with nothing buffered: one round trip). `transaction` runs BEGIN + statements + COMMIT
 * on one client, queueing BEGIN with the first statement and COMMIT with the last.
 */
import type pg from 'pg';
import type { Clock } from '../../core/clock.ts';
import type { Row } from '../rows.ts';
/** The database clock in ms. `clock_timestamp()`, not `now()`: a long transaction must not see stale time. */
export declare const CLOCK_SQL = "(extract(epoch from clock_timestamp()) * 1000)::bigint";
/** `$n` when the store runs on an injected clock (tests), else the database clock. */
export declare function nowSql(n: number): string;
export interface Channels {
    jobs: string;
    cancel: string;
    events: string;
}
export type Notify = {
    channel: 'jobs' | 'events';
} | {
    channel: 'cancel';
    jobId: string;
};
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
    /** The schema's 15-bit lock namespace and the event id sequence (see `eventLockFilter`). */
    eventLock: [number, string];
    /** The latest safe event id, shared by concurrent readers (see `readHorizon`). */
    horizon: {
        running: Promise<number> | null;
        next: Promise<number> | null;
    };
    stats: {
        writeTransactions: number;
    };
    local: LocalEmit;
    notifyState: Record<'jobs' | 'events', {
        busy: boolean;
        again: boolean;
    }>;
    closed: boolean;
}
export declare function nowParam(ctx: PgContext): number | null;
/**
 * Tells listeners about a committed change: this process at once, other processes by NOTIFY. The
 * NOTIFY is its own tiny statement after the commit rather than part of the writing transaction:
 * PostgreSQL serialises the commits of notifying transactions on one lock, held through the WAL
 * flush, and claims and finishes would queue on it. One NOTIFY per statement; bursts coalesce per
 * channel (`events` at most every 10 ms, trailing), cancels go one by one. `remote: false` is for a
 * statement that sent its own NOTIFY (an insert, where enqueue→start latency waits on it).
 */
export declare function announce(ctx: PgContext, n: Notify | null, opts?: {
    remote?: boolean;
}): void;
/**
 * Event ids come from a sequence, which hands them out in call order, not commit order. So that a
 * reader tailing `id > after` never skips an id that commits late, every statement that inserts
 * events first takes a SHARED advisory lock (held to commit) whose key encodes L = the last
 * allocated id + 1, a lower bound of the ids it is about to get; readers stay below
 * `event_horizon()` (001_init.sql). Shared locks never wait for each other, so writers on many
 * connections commit in parallel. Evaluated as a one-time filter of the event INSERT, so the lock
 * is held before the first id is drawn. Parameters `$a, $b` are `ctx.eventLock`.
 */
export declare function eventLockFilter(a: number, b: number): string;
export type Query = {
    text: string;
    values: unknown[];
    name?: string;
};
export declare function read(ctx: PgContext, q: Query): Promise<Row[]>;
/** One self-committing write statement. */
export declare function writeOne(ctx: PgContext, q: Query): Promise<Row[]>;
export declare class Tx {
    readonly client: pg.PoolClient;
    ended: boolean;
    constructor(client: pg.PoolClient);
    query(q: Query): Promise<Row[]>;
    /**
     * The transaction's last statement with COMMIT queued behind it: pg sends the COMMIT from its
     * socket handler the moment the statement's result arrives, not after this process gets round
     * to the awaiting code (it may be busy running handlers), so the locks the statement took are
     * held for as short a time as the connection allows.
     */
    queryAndCommit(q: Query): Promise<Row[]>;
}
export declare function transaction<T>(ctx: PgContext, fn: (tx: Tx) => Promise<T>): Promise<T>;
/**
 * The highest event id a reader may return (see `event_horizon()` in 001_init.sql), from its own
 * statement, before the read's. Concurrent callers share one query, but only one that STARTED after
 * they called: a query already running may have looked at the locks before their events committed.
 */
export declare function readHorizon(ctx: PgContext): Promise<number>;
//# sourceMappingURL=context.d.ts.map