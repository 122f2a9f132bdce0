/**
 * A typed client for the Longrun Jobs API, on `fetch` (Node 20+ and browsers). The CLI and the
 * dashboard use it; it only knows the public HTTP contract.
 *
 * ```ts
 * const client = new LongrunClient({ url: 'http://localhost:3000', key: process.env.LONGRUN_KEY });
 * const { jobs, nextCursor } = await client.listJobs({ status: 'running', category: 'seo', limit: 20 });
 * for await (const e of client.jobEvents(jobs[0].id)) console.log(e.event, e.data);
 * ```
 */
import { createParser } from 'eventsource-parser';
/** An error envelope from the server, or a transport failure (`code: 'network'`, status 0). */
export class LongrunApiError extends Error {
    status;
    code;
    details;
    retryAfter;
    constructor(status, code, message, details, retryAfter) {
        super(message);
        this.status = status;
        this.code = code;
        this.details = details;
        this.retryAfter = retryAfter;
        this.name = 'LongrunApiError';
    }
}
function queryString(q) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) {
        if (v === undefined)
            continue;
        params.set(k, Array.isArray(v) ? v.join(',') : String(v));
    }
    const s = params.toString();
    return s ? `?${s}` : '';
}
export class LongrunClient {
    opts;
    base;
    fetchFn;
    constructor(opts) {
        this.opts = opts;
        this.base = opts.url.replace(/\/+$/, '');
        this.fetchFn = opts.fetch ?? fetch;
    }
    headers(extra = {}) {
        return { ...(this.opts.key ? { authorization: `Bearer ${this.opts.key}` } : {}), ...extra };
    }
    async send(method, path, body, headers = {}) {
        let res;
        try {
            res = await this.fetchFn(`${this.base}${path}`, {
                method,
                headers: this.headers(body === undefined ? headers : { 'content-type': 'application/json', ...headers }),
                body: body === undefined ? undefined : JSON.stringify(body),
            });
        }
        catch (err) {
            throw new LongrunApiError(0, 'network', `cannot reach ${this.base}: ${err.message}`);
        }
        if (!res.ok)
            throw await toApiError(res);
        return res;
    }
    async json(method, path, body, headers) {
        const res = await this.send(method, path, body, headers);
        return { data: (await res.json()), res };
    }
    async listJobs(p = {}) {
        const { data, res } = await this.json('GET', `/api/v1/jobs${queryString({ ...p })}`);
        return { jobs: data, nextCursor: res.headers.get('x-next-cursor') };
    }
    /** Every page of a listing, following the server's cursors. */
    async *listAllJobs(p = {}) {
        let cursor;
        do {
            const page = await this.listJobs({ ...p, cursor });
            yield* page.jobs;
            cursor = page.nextCursor ?? undefined;
        } while (cursor);
    }
    async getJob(id) {
        return (await this.json('GET', `/api/v1/jobs/${encodeURIComponent(id)}`)).data;
    }
    async cancelJob(id) {
        return (await this.json('POST', `/api/v1/jobs/${encodeURIComponent(id)}/cancel`)).data;
    }
    /** `created` is false when an `idempotencyKey` matched an earlier request. */
    async createJob(p, opts = {}) {
        const headers = opts.idempotencyKey ? { 'idempotency-key': opts.idempotencyKey } : undefined;
        const { data, res } = await this.json('POST', '/api/v1/jobs', p, headers);
        return { job: data, created: res.status === 201 };
    }
    async listLogs(id, p = {}) {
        return (await this.json('GET', `/api/v1/jobs/${encodeURIComponent(id)}/logs${queryString(p)}`)).data;
    }
    async listItems(id, p = {}) {
        const { data, res } = await this.json('GET', `/api/v1/jobs/${encodeURIComponent(id)}/items${queryString(p)}`);
        return { items: data, nextCursor: res.headers.get('x-next-cursor') };
    }
    async jobTypes() {
        return (await this.json('GET', '/api/v1/job-types')).data;
    }
    async stats() {
        return (await this.json('GET', '/api/v1/stats')).data;
    }
    async listKeys() {
        return (await this.json('GET', '/api/v1/keys')).data;
    }
    async createKey(p) {
        return (await this.json('POST', '/api/v1/keys', p)).data;
    }
    async revokeKey(id) {
        await this.send('DELETE', `/api/v1/keys/${encodeURIComponent(id)}`);
    }
    /**
     * A job's events until its terminal status (the server then sends `end`). A dropped connection
     * is resumed with `Last-Event-ID` (up to `maxReconnects` times in a row), so each event is
     * yielded exactly once.
     */
    jobEvents(id, opts = {}) {
        return this.stream(`/api/v1/jobs/${encodeURIComponent(id)}/events`, opts);
    }
    /** The workspace's status/progress/step events; runs until `signal` aborts. */
    workspaceEvents(p = {}, opts = {}) {
        return this.stream(`/api/v1/events${queryString(p)}`, opts);
    }
    async *stream(path, opts) {
        let lastId = opts.lastEventId;
        let failures = 0;
        for (;;) {
            try {
                for await (const e of this.streamOnce(path, lastId, opts.signal)) {
                    failures = 0;
                    if (e.id !== null)
                        lastId = e.id;
                    yield e;
                    // The server says the job is over: nothing more will come.
                    if (e.event === 'end')
                        return;
                }
                if (opts.signal?.aborted)
                    return;
                // Closed without `end` (a restart, a proxy timeout): resume after the last id.
                if (++failures > (opts.maxReconnects ?? 5)) {
                    throw new LongrunApiError(0, 'network', 'event stream keeps closing');
                }
            }
            catch (err) {
                if (opts.signal?.aborted)
                    return;
                const retriable = err instanceof LongrunApiError && (err.status === 0 || err.status >= 500);
                if (!retriable || ++failures > (opts.maxReconnects ?? 5))
                    throw err;
            }
            await new Promise((r) => setTimeout(r, Math.min(5_000, 100 * 2 ** failures)));
        }
    }
    async *streamOnce(path, lastId, signal) {
        const headers = this.headers({ accept: 'text/event-stream' });
        if (lastId !== undefined)
            headers['last-event-id'] = String(lastId);
        let res;
        try {
            res = await this.fetchFn(`${this.base}${path}`, { headers, signal });
        }
        catch (err) {
            throw new LongrunApiError(0, 'network', err.message);
        }
        if (!res.ok || !res.body)
            throw await toApiError(res);
        const queue = [];
        const parser = createParser({
            onEvent: (m) => queue.push({
                event: m.event ?? 'message',
                id: m.id === undefined ? null : Number(m.id),
                data: JSON.parse(m.data),
            }),
        });
        const decoder = new TextDecoder();
        const reader = res.body.getReader();
        try {
            for (;;) {
                const { done, value } = await reader.read();
                if (done)
                    break;
                parser.feed(decoder.decode(value, { stream: true }));
                while (queue.length)
                    yield queue.shift();
            }
        }
        catch (err) {
            if (signal?.aborted)
                return;
            throw new LongrunApiError(0, 'network', err.message);
        }
        finally {
            await reader.cancel().catch(() => { });
        }
    }
}
async function toApiError(res) {
    const retryAfter = res.headers.get('retry-after');
    const text = await res.text().catch(() => '');
    try {
        const body = JSON.parse(text);
        if (body.error?.code) {
            return new LongrunApiError(res.status, body.error.code, body.error.message ?? body.error.code, body.error.details, retryAfter ? Number(retryAfter) : undefined);
        }
    }
    catch {
        // Not our envelope (a proxy's error page): fall through.
    }
    return new LongrunApiError(res.status, 'http_error', `HTTP ${res.status}: ${text.slice(0, 200)}`);
}
//# sourceMappingURL=index.js.map