/**
 * Server-Sent Events plumbing, framework-free: a `ReadableStream` body the Node adapter pipes to the
 * socket. The stream ends when the producer returns, when the client goes away (the adapter cancels
 * the body), when the server shuts down, or when the client reads too slowly (more than
 * `maxQueuedBytes` waiting): a slow client is cut off rather than buffered without bound, and comes
 * back with `Last-Event-ID`.
 *
 * ```ts
 * return sseResponse({ heartbeatMs: 15_000, signals: [shutdown, c.req.raw.signal] }, async (sse) => {
 *   sse.send({ event: 'status', id: 42, data: { status: 'running' } });
 * });
 * ```
 */
import type { StoreNotifications } from '../store/types.ts';

export interface SseOptions {
  /** Comment line interval that keeps proxies from closing an idle stream (default 15 s). */
  heartbeatMs: number;
  /** Fallback poll for events written by other processes, which do not notify this one (default 1 s). */
  pollMs: number;
  /** Minimum gap between two reads that carried progress: at most ~1000/this progress events per job per second. */
  progressIntervalMs: number;
  /** Bytes queued for one client before it is disconnected as too slow (default 4 MiB). */
  maxQueuedBytes: number;
}

export const DEFAULT_SSE_OPTIONS: SseOptions = {
  heartbeatMs: 15_000,
  pollMs: 1_000,
  progressIntervalMs: 100,
  maxQueuedBytes: 4 * 1024 * 1024,
};

const encoder = new TextEncoder();

export class SseStream {
  private readonly abort = new AbortController();
  private controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  readonly body: ReadableStream<Uint8Array>;

  constructor(maxQueuedBytes: number) {
    this.body = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.controller = controller;
        },
        cancel: () => this.abort.abort(),
      },
      { highWaterMark: maxQueuedBytes, size: (chunk) => chunk.byteLength },
    );
  }

  /** Aborted once the stream is over for any reason; producers stop on it. */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  get closed(): boolean {
    return this.abort.signal.aborted;
  }

  private write(text: string): boolean {
    if (this.closed || !this.controller) return false;
    this.controller.enqueue(encoder.encode(text));
    if ((this.controller.desiredSize ?? 0) < 0) {
      this.close();
      return false;
    }
    return true;
  }

  send(msg: { event: string; id?: number; data: unknown }): boolean {
    // JSON.stringify escapes newlines inside strings, so one `data:` line always suffices.
    const id = msg.id === undefined ? '' : `id: ${msg.id}\n`;
    return this.write(`event: ${msg.event}\n${id}data: ${JSON.stringify(msg.data)}\n\n`);
  }

  comment(text: string): boolean {
    return this.write(`: ${text.replace(/[\r\n]+/g, ' ')}\n\n`);
  }

  retry(ms: number): boolean {
    return this.write(`retry: ${ms}\n\n`);
  }

  close(): void {
    if (this.controller) {
      try {
        this.controller.close();
      } catch {
        // Already closed or errored by a cancelled reader.
      }
    }
    this.abort.abort();
  }
}

export function sseResponse(
  opts: {
    heartbeatMs: number;
    maxQueuedBytes: number;
    signals: AbortSignal[];
    onError: (err: unknown) => void;
  },
  produce: (sse: SseStream) => Promise<void>,
): Response {
  const sse = new SseStream(opts.maxQueuedBytes);
  const stop = () => sse.close();
  for (const s of opts.signals) {
    if (s.aborted) queueMicrotask(stop);
    else s.addEventListener('abort', stop, { once: true });
  }
  const heartbeat = setInterval(() => sse.comment(`heartbeat ${Date.now()}`), opts.heartbeatMs);
  heartbeat.unref();
  sse.signal.addEventListener('abort', () => {
    clearInterval(heartbeat);
    for (const s of opts.signals) s.removeEventListener('abort', stop);
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
  private pending = false;
  private wakeUp: (() => void) | null = null;
  private readonly unsubscribe: () => void;

  constructor(notifications: StoreNotifications | null, signal: AbortSignal) {
    this.unsubscribe = notifications?.eventsAdded(() => this.fire()) ?? (() => {});
    signal.addEventListener('abort', () => {
      this.unsubscribe();
      this.fire();
    });
  }

  private fire(): void {
    this.pending = true;
    this.wakeUp?.();
  }

  wait(ms: number): Promise<void> {
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

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
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
