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
import pino from 'pino';
import { LongrunError } from "../core/errors.js";
import { KeyCache } from "./auth.js";
import { adapterErrorAnswer, directJobGet } from "./direct.js";
import { errorResponse, makeErrorHandler } from "./errors.js";
import { eventRoutes } from "./events.js";
import { requestFrame } from "./frame.js";
import { jobRoutes } from "./jobs.js";
import { keyRoutes } from "./keys.js";
import { metaRoutes } from "./meta.js";
import { createMetrics } from "./metrics.js";
import { DEFAULT_RATE_LIMIT, RateLimiter } from "./rate-limit.js";
import { allowedMethods, registerRoutes } from "./route.js";
import { DEFAULT_SSE_OPTIONS } from "./sse.js";
export const API_VERSION = '1.0.0';
export const MAX_BODY_BYTES = 1024 * 1024;
/** Long enough to spare the key lookup on nearly every request, short enough for revocation elsewhere. */
export const DEFAULT_KEY_CACHE_MS = 1_000;
export function createApp(opts) {
    const basePath = normalizeBasePath(opts.basePath);
    const logger = opts.logger ?? pino({ level: 'silent' });
    const deps = {
        longrun: opts.longrun,
        logger,
        limiter: rateLimiter(opts.rateLimit),
        keyCache: new KeyCache(opts.keyCacheMs ?? DEFAULT_KEY_CACHE_MS),
        metrics: opts.metrics ?? createMetrics(opts.longrun),
        sse: { ...DEFAULT_SSE_OPTIONS, ...opts.sse },
        shutdown: opts.shutdown ?? new AbortController().signal,
        maxBodyBytes: opts.maxBodyBytes ?? MAX_BODY_BYTES,
        basePath,
    };
    const app = basePath ? new Hono().basePath(basePath) : new Hono();
    app.use(requestFrame(deps));
    const routes = [];
    routes.push(...jobRoutes(deps), ...eventRoutes(deps), ...keyRoutes(deps));
    routes.push(...metaRoutes(deps, () => routes, API_VERSION));
    registerRoutes(app, deps, routes);
    const allowed = allowedMethods(routes);
    app.notFound((c) => {
        // Decoded, as Hono routes it: `PUT /api/v1/%6Aobs` is `PUT /api/v1/jobs`.
        const path = c.req.path;
        const methods = path.startsWith(`${basePath}/`) ? allowed(path.slice(basePath.length)) : [];
        if (methods.length === 0)
            return errorResponse(c, new LongrunError('not_found', `no route for ${c.req.method} ${path}`));
        const allow = methods.join(', ');
        const err = new LongrunError('method_not_allowed', `${c.req.method} is not allowed on ${path}`, {
            details: [{ path: 'method', message: `allowed: ${allow}` }],
        });
        return errorResponse(c, err, { Allow: allow });
    });
    app.onError(makeErrorHandler(logger));
    return Object.assign(app, {
        routeTable: routes,
        direct: directJobGet(deps),
        adapterError: adapterErrorAnswer(logger),
    });
}
/** `/jobs-api/` and `jobs-api` → `/jobs-api`; `/` and undefined → ''. */
export function normalizeBasePath(raw) {
    const trimmed = (raw ?? '').replace(/\/+$/, '');
    if (trimmed === '')
        return '';
    const path = trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
    if (!/^(\/[A-Za-z0-9._~-]+)+$/.test(path))
        throw new TypeError(`basePath "${raw}" must be a URL path such as /jobs-api (letters, digits, . _ ~ -)`);
    return path;
}
function rateLimiter(opt) {
    if (opt === false)
        return null;
    if (opt && 'take' in opt)
        return opt;
    return new RateLimiter({ ...DEFAULT_RATE_LIMIT, ...opt });
}
//# sourceMappingURL=app.js.map