/**
 * LISTEN/NOTIFY on a dedicated connection (a pooled one would be handed to queries, and LISTEN does
 * not survive transaction-pooling proxies either). It reconnects with capped exponential backoff;
 * while it is down the engine's polling still finds work, and on every (re)connect it announces
 * "maybe something happened" so nothing missed meanwhile waits for the next poll.
 *
 * Channels: `jobs` (new or retried work; implies events), `cancel` (payload `instance:jobId`; implies
 * events), `events`. Payloads carry the sending store's instance id: a store already told its own
 * process, so it skips its own notifications.
 */
import pg from 'pg';
import type { Channels, LocalEmit } from './context.ts';
export interface ListenerOptions {
    config: pg.ClientConfig;
    channels: Channels;
    instanceId: string;
    emit: LocalEmit;
    /** First retry delay and cap (default 100 ms, 5 s). */
    backoff?: {
        initialMs: number;
        maxMs: number;
    };
    /** How often an idle connection is checked (default 30 s): a silent network loss shows no error. */
    pingIntervalMs?: number;
}
export declare class PgListener {
    private readonly opts;
    private client;
    private stopped;
    private failures;
    private retryTimer;
    private pingTimer;
    private started;
    /** Clients already given up on: each schedules at most one reconnect, however many ways it fails. */
    private readonly gone;
    /** Connects made so far, for tests and metrics. */
    connects: number;
    constructor(opts: ListenerOptions);
    get connected(): boolean;
    /** Idempotent: the first subscriber opens the connection. */
    start(): void;
    private connect;
    private lost;
    private ping;
    private dispatch;
    stop(): Promise<void>;
}
//# sourceMappingURL=notify.d.ts.map