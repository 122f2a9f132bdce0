/**
 * Server-Sent Events plumbing, framework-free: a `ReadableStream` body the Node adapter pipes to the
 * socket. The stream ends when the producer returns, when the client goes away (the adapter cancels
 * the body), when the server shuts down, when its key is revoked (stream-registry.ts), or when the
 * client reads too slowly: more than `maxQueuedBytes` waiting, or nothing taken at all for
 * `maxMissedHeartbeats` heartbeat intervals. A slow or stalled client is cut off rather than
 * buffered without bound, and comes back with `Last-Event-ID`.
 *
 * "Idle" means the client, not the job: a stream with nothing to say is healthy as long as its
 * client takes the heartbeats. A server-push stream cannot hear a reply, so what can miss a beat is
 * the reader. At each heartbeat the stream looks at what it has written but nobody has taken yet
 * (its queue; under the Node listener that queue grows once the socket's buffer stops draining):
 * if there is some and not one byte of it was taken since the previous heartbeat, that is a miss.
 * After `maxMissedHeartbeats` misses in a row the stream is torn down (the socket is destroyed).
 * The kernel's socket buffers take the first few hundred KiB before Node's stops draining, so a
 * quiet stream whose client stopped reading is found once those are full; until then it costs
 * kernel memory only, and the per-key and per-process caps bound how many there can be.
 *
 * ```ts
 * return sseResponse({ heartbeatMs: 15_000, signals: [shutdown, c.req.raw.signal] }, async (sse) => {
 *   sse.send({ event: 'status', id: 42, data: { status: 'running' } });
 * });
 * ```
 */
import { LongrunError } from '../core/errors.ts';
import type { StoreNotifications } from '../store/types.ts';
import type { StreamLimits } from './stream-registry.ts';

export interface SseOptions extends StreamLimits {
  /** Comment line interval that keeps proxies from closing an idle stream (default 15 s). */
  heartbeatMs: number;
  /** Fallback poll for events written by other processes, which do not notify this one (default 1 s). */
  pollMs: number;
  /** Minimum gap between two reads that carried progress: at most ~1000/this progress events per job per second. */
  progressIntervalMs: number;
  /** Bytes queued for one client before it is disconnected as too slow (default 4 MiB). */
  maxQueuedBytes: number;
  /**
   * Heartbeat intervals in a row in which the client took nothing of what was waiting for it,
   * after which the stream is closed (default 2; 0 never closes for that). See the module doc.
   */
  maxMissedHeartbeats: number;
}

export const DEFAULT_SSE_OPTIONS: SseOptions = {
  heartbeatMs: 15_000,
  pollMs: 1_000,
  progressIntervalMs: 100,
  maxQueuedBytes: 4 * 1024 * 1024,
  maxMissedHeartbeats: 2,
  maxStreams: 5_000,
  maxStreamsPerKey: 500,
  revalidateMs: 500,
};

const encoder = new TextEncoder();

export class SseStream {
  private readonly abort = new AbortController();
  private controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  readonly body: ReadableStream<Uint8Array>;
  /** Bytes ever enqueued, and how many of them had been taken at the last `tookNothing` check. */
  private written = 0;
  private takenAtCheck = 0;

  constructor(private readonly maxQueuedBytes: number) {
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

  /**
   * True when bytes are waiting and not one was taken since the previous call: the reader missed
   * a heartbeat interval (see the module doc).
   */
  tookNothing(): boolean {
    const waiting = this.maxQueuedBytes - (this.controller?.desiredSize ?? this.maxQueuedBytes);
    const taken = this.written - waiting;
    const stalled = waiting > 0 && taken === this.takenAtCheck;
    this.takenAtCheck = taken;
    return stalled;
  }

  private write(text: string): boolean {
    if (this.closed || !this.controller) return false;
    const chunk = encoder.encode(text);
    this.written += chunk.byteLength;
    this.controller.enqueue(chunk);
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

  /**
   * Tears the stream down without waiting for the client to take what is queued: the reader gets
   * an error, and the Node adapter destroys the socket.
   */
  abandon(reason: string): void {
    if (this.closed) return;
    this.controller?.error(new Error(reason));
    this.abort.abort();
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
    maxMissedHeartbeats: number;
    /**
     * Any of them aborting ends the stream. A reason that is a `LongrunError` (a revoked key) is
     * sent first as an `error` event, so the client knows why.
     */
    signals: AbortSignal[];
    onError: (err: unknown) => void;
    /** Called once when the stream is over, however it ended. */
    onEnd?: () => void;
  },
  produce: (sse: SseStream) => Promise<void>,
): Response {
  const sse = new SseStream(opts.maxQueuedBytes);
  const stops = opts.signals.map((s) => {
    const stop = () => {
      if (s.reason instanceof LongrunError && !sse.closed)
        sse.send({ event: 'error', data: { code: s.reason.code, message: s.reason.message } });
      sse.close();
    };
    if (s.aborted) queueMicrotask(stop);
    else s.addEventListener('abort', stop, { once: true });
    return stop;
  });
  let misses = 0;
  const heartbeat = setInterval(() => {
    misses = sse.tookNothing() ? misses + 1 : 0;
    if (opts.maxMissedHeartbeats > 0 && misses >= opts.maxMissedHeartbeats)
      sse.abandon(`the client took nothing for ${misses} heartbeat intervals`);
    else sse.comment(`heartbeat ${Date.now()}`);
  }, opts.heartbeatMs);
  heartbeat.unref();
  sse.signal.addEventListener('abort', () => {
    clearInterval(heartbeat);
    for (const [i, s] of opts.signals.entries()) s.removeEventListener('abort', stops[i]!);
    opts.onEnd?.();
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
      'X-Content-Type-Options': 'nosniff',
      // Nothing of a stream may be stored by a cache; no-transform keeps proxies from buffering it.
      'Cache-Control': 'no-store, no-transform',
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
