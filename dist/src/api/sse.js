export const DEFAULT_SSE_OPTIONS = {
    heartbeatMs: 15_000,
    pollMs: 1_000,
    progressIntervalMs: 100,
    maxQueuedBytes: 4 * 1024 * 1024,
};
const encoder = new TextEncoder();
export class SseStream {
    abort = new AbortController();
    controller = null;
    body;
    constructor(maxQueuedBytes) {
        this.body = new ReadableStream({
            start: (controller) => {
                this.controller = controller;
            },
            cancel: () => this.abort.abort(),
        }, { highWaterMark: maxQueuedBytes, size: (chunk) => chunk.byteLength });
    }
    /** Aborted once the stream is over for any reason; producers stop on it. */
    get signal() {
        return this.abort.signal;
    }
    get closed() {
        return this.abort.signal.aborted;
    }
    write(text) {
        if (this.closed || !this.controller)
            return false;
        this.controller.enqueue(encoder.encode(text));
        if ((this.controller.desiredSize ?? 0) < 0) {
            this.close();
            return false;
        }
        return true;
    }
    send(msg) {
        // JSON.stringify escapes newlines inside strings, so one `data:` line always suffices.
        const id = msg.id === undefined ? '' : `id: ${msg.id}\n`;
        return this.write(`event: ${msg.event}\n${id}data: ${JSON.stringify(msg.data)}\n\n`);
    }
    comment(text) {
        return this.write(`: ${text.replace(/[\r\n]+/g, ' ')}\n\n`);
    }
    retry(ms) {
        return this.write(`retry: ${ms}\n\n`);
    }
    close() {
        if (this.controller) {
            try {
                this.controller.close();
            }
            catch {
                // Already closed or errored by a cancelled reader.
            }
        }
        this.abort.abort();
    }
}
export function sseResponse(opts, produce) {
    const sse = new SseStream(opts.maxQueuedBytes);
    const stop = () => sse.close();
    for (const s of opts.signals) {
        if (s.aborted)
            queueMicrotask(stop);
        else
            s.addEventListener('abort', stop, { once: true });
    }
    const heartbeat = setInterval(() => sse.comment(`heartbeat ${Date.now()}`), opts.heartbeatMs);
    heartbeat.unref();
    sse.signal.addEventListener('abort', () => {
        clearInterval(heartbeat);
        for (const s of opts.signals)
            s.removeEventListener('abort', stop);
    });
    produce(sse)
        .catch((err) => {
        if (!sse.closed)
            sse.send({ event: 'error', data: { code: 'internal', message: 'event stream failed' } });
        opts.onError(err);
    })
        .finally(() => sse.close());
    return new Response(sse.body, {
        status: 200,
        headers: {
            'Content-Type': 'text/event-stream; charset=utf-8',
            'Cache-Control': 'no-cache, no-transform',
            Connection: 'keep-alive',
            // Tells nginx not to buffer the stream.
            'X-Accel-Buffering': 'no',
        },
    });
}
/**
 * Sleeps until the store announces new events, `ms` pass (the polling fallback for writers in other
 * processes) or `signal` aborts. Announcements during a read are remembered, so none is lost.
 */
export class EventWaker {
    pending = false;
    wakeUp = null;
    unsubscribe;
    constructor(notifications, signal) {
        this.unsubscribe = notifications?.eventsAdded(() => this.fire()) ?? (() => { });
        signal.addEventListener('abort', () => {
            this.unsubscribe();
            this.fire();
        });
    }
    fire() {
        this.pending = true;
        this.wakeUp?.();
    }
    wait(ms) {
        if (this.pending) {
            this.pending = false;
            return Promise.resolve();
        }
        return new Promise((resolve) => {
            const timer = setTimeout(done, ms);
            const self = this;
            function done() {
                clearTimeout(timer);
                self.wakeUp = null;
                self.pending = false;
                resolve();
            }
            this.wakeUp = done;
        });
    }
}
export function sleep(ms, signal) {
    if (ms <= 0 || signal.aborted)
        return Promise.resolve();
    return new Promise((resolve) => {
        const timer = setTimeout(done, ms);
        function done() {
            clearTimeout(timer);
            signal.removeEventListener('abort', done);
            resolve();
        }
        signal.addEventListener('abort', done, { once: true });
    });
}
//# sourceMappingURL=sse.js.map