/**
 * The HTTP API as a Hono app: a thin adapter over the `Longrun` facade and the `Store` interface
 * (no SQL here). Serve it with `@hono/node-server`, or call `app.request()` in tests.
 *
 * ```ts
 * const app = createApp({ longrun, rateLimit: { perMinute: 1_200, burst: 200 } });
 * serve({ fetch: app.fetch, port: 3000 });
 * ```
 */
import { Hono } from 'hono';
import { type Logger } from 'pino';
import type { Longrun } from '../engine/longrun.ts';
import { type AdapterError, type DirectHandler } from './direct.ts';
import { type ApiMetrics } from './metrics.ts';
import { type KeyRateLimiter, type RateLimitOptions } from './rate-limit.ts';
import { type AnyRoute } from './route.ts';
import { type SseOptions } from './sse.ts';
import type { ApiEnv } from './types.ts';
export declare const API_VERSION = "1.0.0";
export declare const MAX_BODY_BYTES: number;
/** Long enough to spare the key lookup on nearly every request, short enough for revocation elsewhere. */
export declare const DEFAULT_KEY_CACHE_MS = 1000;
export interface AppOptions {
    longrun: Longrun;
    /**
     * Per-key token bucket; `false` turns limiting off (benchmarks). Default 1,200/min, burst 200. A
     * `KeyRateLimiter` instance replaces the bucket (the HTTP processes of a cluster borrow theirs).
     */
    rateLimit?: Partial<RateLimitOptions> | KeyRateLimiter | false;
    logger?: Logger;
    sse?: Partial<SseOptions>;
    /** Abort it on shutdown: SSE streams end, /readyz answers 503. */
    shutdown?: AbortSignal;
    maxBodyBytes?: number;
    /**
     * How long a key that authenticated is trusted without a lookup (default 1,000 ms; 0 looks up
     * every request). Revoking through this app takes effect at once regardless.
     */
    keyCacheMs?: number;
    /**
     * Mount the API under this path prefix of a larger app, e.g. `/jobs-api`: routes, pagination links
     * and the OpenAPI `servers` entry all carry it (default: the root). docs/embedding.md has examples.
     */
    basePath?: string;
    /** Share one metrics registry across apps (default: one per app). */
    metrics?: ApiMetrics;
}
export type LongrunApp = Hono<ApiEnv> & {
    readonly routeTable: readonly AnyRoute[];
    /** `GET /api/v1/jobs/:id` straight on node:http; `nodeRequestListener` (direct.ts) tries it first. */
    readonly direct: DirectHandler;
    /** The answer to a request the Node adapter cannot parse (`nodeRequestListener`). */
    readonly adapterError: AdapterError;
};
export declare function createApp(opts: AppOptions): LongrunApp;
/** `/jobs-api/` and `jobs-api` → `/jobs-api`; `/` and undefined → ''. */
export declare function normalizeBasePath(raw: string | undefined): string;
//# sourceMappingURL=app.d.ts.map