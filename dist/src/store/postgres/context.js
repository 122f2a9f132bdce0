import { isConnectionError, mapError } from "./db.js";
/** The database clock in ms. `clock_timestamp()`, not `now()`: a long transaction must not see stale time. */
export const CLOCK_SQL = '(extract(epoch from clock_timestamp()) * 1000)::bigint';
/** `$n` when the store runs on an injected clock (tests), else the database clock. */
export function nowSql(n) {
    return `coalesce($${n}::bigint, ${CLOCK_SQL})`;
}
export function nowParam(ctx) {
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
export function announce(ctx, n, opts = {}) {
    if (!n)
        return;
    if (n.channel === 'jobs')
        ctx.local.jobsAvailable();
    if (n.channel === 'cancel')
        ctx.local.jobCancelled(n.jobId);
    ctx.local.eventsAdded();
    if (opts.remote === false)
        return;
    if (n.channel === 'cancel')
        sendNotify(ctx, ctx.channels.cancel, `${ctx.instanceId}:${n.jobId}`);
    else
        coalesced(ctx, n.channel);
}
const EVENTS_NOTIFY_GAP_MS = 10;
function coalesced(ctx, channel) {
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
            if (state.again)
                coalesced(ctx, channel);
        };
        if (channel === 'events')
            setTimeout(release, EVENTS_NOTIFY_GAP_MS).unref();
        else
            release();
    };
    sendNotify(ctx, ctx.channels[channel], ctx.instanceId).then(done, done);
}
/** Best effort: a lost NOTIFY costs other processes one polling interval, never correctness. */
function sendNotify(ctx, channel, payload) {
    if (ctx.closed)
        return Promise.resolve();
    return ctx.pool.query('SELECT pg_notify($1, $2)', [channel, payload]).catch(() => { });
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
export function eventLockFilter(a, b) {
    return `(SELECT true FROM (SELECT pg_advisory_xact_lock_shared(
      (($${a}::int::bigint << 16) | ((l.v >> 32) & 65535))::int,
      ((l.v & 4294967295) - CASE WHEN (l.v & 2147483648) <> 0 THEN 4294967296 ELSE 0 END)::int)
    FROM (SELECT coalesce(pg_sequence_last_value($${b}::text::regclass), 0) + 1 AS v) l) x)`;
}
export async function read(ctx, q) {
    try {
        return (await ctx.pool.query(q)).rows;
    }
    catch (err) {
        throw mapError(err);
    }
}
/** One self-committing write statement. */
export async function writeOne(ctx, q) {
    const rows = await read(ctx, q);
    ctx.stats.writeTransactions++;
    return rows;
}
export class Tx {
    client;
    ended = false;
    constructor(client) {
        this.client = client;
    }
    async query(q) {
        return (await this.client.query(q)).rows;
    }
    /**
     * The transaction's last statement with COMMIT queued behind it: pg sends the COMMIT from its
     * socket handler the moment the statement's result arrives, not after this process gets round
     * to the awaiting code (it may be busy running handlers), so the locks the statement took are
     * held for as short a time as the connection allows.
     */
    async queryAndCommit(q) {
        const [result, commit] = await Promise.allSettled([this.client.query(q), this.client.query('COMMIT')]);
        this.ended = true;
        // A failed statement aborts the transaction; the COMMIT after it then rolls back.
        if (result.status === 'rejected')
            throw result.reason;
        if (commit.status === 'rejected')
            throw commit.reason;
        return result.value.rows;
    }
}
export async function transaction(ctx, fn) {
    let client;
    try {
        client = await ctx.pool.connect();
    }
    catch (err) {
        throw mapError(err);
    }
    const tx = new Tx(client);
    let broken = false;
    try {
        // Queued, not awaited: pg sends the first statement as soon as BEGIN completes.
        const begin = client.query('BEGIN');
        begin.catch(() => { });
        const out = await fn(tx);
        await begin;
        if (!tx.ended)
            await client.query('COMMIT');
        tx.ended = true;
        ctx.stats.writeTransactions++;
        return out;
    }
    catch (err) {
        broken = isConnectionError(err);
        if (!tx.ended && !broken)
            await client.query('ROLLBACK').catch(() => { });
        throw mapError(err);
    }
    finally {
        client.release(broken);
    }
}
/**
 * The highest event id a reader may return (see `event_horizon()` in 001_init.sql), from its own
 * statement, before the read's. Concurrent callers share one query, but only one that STARTED after
 * they called: a query already running may have looked at the locks before their events committed.
 */
export function readHorizon(ctx) {
    const h = ctx.horizon;
    const start = () => {
        const p = read(ctx, {
            name: 'longrun_event_horizon',
            text: 'SELECT event_horizon($1) AS h',
            values: [ctx.eventLock[0]],
        }).then((rows) => Number(rows[0]?.h ?? 0));
        h.running = p;
        const clear = () => {
            if (h.running === p)
                h.running = null;
        };
        p.then(clear, clear);
        return p;
    };
    if (!h.running)
        return start();
    if (!h.next) {
        const after = h.running.then(() => undefined, () => undefined);
        h.next = after.then(() => {
            h.next = null;
            return start();
        });
    }
    return h.next;
}
//# sourceMappingURL=context.js.map