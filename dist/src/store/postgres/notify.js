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
export class PgListener {
    opts;
    client = null;
    stopped = false;
    failures = 0;
    retryTimer = null;
    pingTimer = null;
    started = false;
    /** Clients already given up on: each schedules at most one reconnect, however many ways it fails. */
    gone = new WeakSet();
    /** Connects made so far, for tests and metrics. */
    connects = 0;
    constructor(opts) {
        this.opts = opts;
    }
    get connected() {
        return this.client !== null;
    }
    /** Idempotent: the first subscriber opens the connection. */
    start() {
        if (this.started || this.stopped)
            return;
        this.started = true;
        void this.connect();
        this.pingTimer = setInterval(() => void this.ping(), this.opts.pingIntervalMs ?? 30_000);
        this.pingTimer.unref();
    }
    async connect() {
        this.retryTimer = null;
        if (this.stopped)
            return;
        const client = new pg.Client(this.opts.config);
        const drop = () => this.lost(client);
        client.on('error', drop);
        client.on('end', drop);
        client.on('notification', (m) => this.dispatch(m.channel, m.payload ?? ''));
        try {
            await client.connect();
            const { jobs, cancel, events } = this.opts.channels;
            await client.query([jobs, cancel, events].map((c) => `LISTEN ${client.escapeIdentifier(c)}`).join('; '));
            if (this.stopped || this.gone.has(client)) {
                await client.end().catch(() => { });
                return;
            }
            this.client = client;
            this.failures = 0;
            this.connects++;
            // Anything committed while we were not listening was not heard: let consumers look once.
            this.opts.emit.jobsAvailable();
            this.opts.emit.eventsAdded();
        }
        catch {
            drop();
        }
    }
    lost(client) {
        if (this.gone.has(client))
            return;
        this.gone.add(client);
        if (this.client === client)
            this.client = null;
        client.removeAllListeners('notification');
        client.end().catch(() => { });
        if (this.stopped || this.retryTimer)
            return;
        const { initialMs, maxMs } = this.opts.backoff ?? { initialMs: 100, maxMs: 5_000 };
        const base = Math.min(maxMs, initialMs * 2 ** this.failures);
        this.failures++;
        // Jitter, so listeners of many processes do not reconnect in lockstep after a failover.
        this.retryTimer = setTimeout(() => void this.connect(), base / 2 + Math.random() * (base / 2));
        this.retryTimer.unref();
    }
    async ping() {
        const client = this.client;
        if (!client)
            return;
        let timer;
        const timeout = new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error('listener ping timed out')), 10_000);
        });
        try {
            await Promise.race([client.query('SELECT 1'), timeout]);
        }
        catch {
            this.lost(client);
        }
        finally {
            clearTimeout(timer);
        }
    }
    dispatch(channel, payload) {
        const { channels, instanceId, emit } = this.opts;
        const sep = payload.indexOf(':');
        const sender = sep < 0 ? payload : payload.slice(0, sep);
        if (sender === instanceId)
            return;
        if (channel === channels.jobs)
            emit.jobsAvailable();
        else if (channel === channels.cancel && sep >= 0)
            emit.jobCancelled(payload.slice(sep + 1));
        else if (channel !== channels.events)
            return;
        emit.eventsAdded();
    }
    async stop() {
        this.stopped = true;
        if (this.retryTimer)
            clearTimeout(this.retryTimer);
        if (this.pingTimer)
            clearInterval(this.pingTimer);
        const client = this.client;
        this.client = null;
        if (client) {
            client.removeAllListeners();
            client.on('error', () => { });
            await client.end().catch(() => { });
        }
    }
}
//# sourceMappingURL=notify.js.map