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
export declare const DEFAULT_SSE_OPTIONS: SseOptions;
export declare class SseStream {
    private readonly abort;
    private controller;
    readonly body: ReadableStream<Uint8Array>;
    constructor(maxQueuedBytes: number);
    /** Aborted once the stream is over for any reason; producers stop on it. */
    get signal(): AbortSignal;
    get closed(): boolean;
    private write;
    send(msg: {
        event: string;
        id?: number;
        data: unknown;
    }): boolean;
    comment(text: string): boolean;
    retry(ms: number): boolean;
    close(): void;
}
export declare function sseResponse(opts: {
    heartbeatMs: number;
    maxQueuedBytes: number;
    signals: AbortSignal[];
    onError: (err: unknown) => void;
}, produce: (sse: SseStream) => Promise<void>): Response;
/**
 * Sleeps until the store announces new events, `ms` pass (the polling fallback for writers in other
 * processes) or `signal` aborts. Announcements during a read are remembered, so none is lost.
 */
export declare class EventWaker {
    private pending;
    private wakeUp;
    private readonly unsubscribe;
    constructor(notifications: StoreNotifications | null, signal: AbortSignal);
    private fire;
    wait(ms: number): Promise<void>;
}
export declare function sleep(ms: number, signal: AbortSignal): Promise<void>;
//# sourceMappingURL=sse.d.ts.map