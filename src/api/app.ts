/**
 * The HTTP API as a Hono app: a thin adapter over the `Longrun` facade, its only way to the store
 * (no SQL, no store calls here). Serve it with `@hono/node-server`, or call `app.request()` in tests.
 *
 * ```ts
 * const app = createApp({ longrun, rateLimit: { perMinute: 1_200, burst: 200 } });
 * serve({ fetch: app.fetch, port: 3000 });
 * ```
 */

import { validateHeaderName, validateHeaderValue } from 'node:http';
import { Hono } from 'hono';
import pino, { type Logger } from 'pino';
import type { Clock } from '../core/clock.ts';
import { LongrunError } from '../core/errors.ts';
import { DEFAULT_WORKSPACE } from '../core/job.ts';
import type { Longrun } from '../engine/longrun.ts';
import { KeyCache } from './auth.ts';
import {
  AuthGuard,
  type AuthGuardOptions,
  type ClientAddressPicker,
  clientAddressOf,
  DEFAULT_AUTH_LIMIT,
} from './auth-guard.ts';
import { registerDashboard } from './dashboard.ts';
import { type AdapterError, adapterErrorAnswer, type DirectHandler, directJobGet } from './direct.ts';
import { errorResponse, makeErrorHandler } from './errors.ts';
import { eventRoutes } from './events.ts';
import { requestFrame } from './frame.ts';
import { jobTypeRoutes } from './job-types.ts';
import { jobRoutes } from './jobs.ts';
import { jobOpsRoutes } from './jobs-ops.ts';
import { keyRoutes } from './keys.ts';
import { metaRoutes } from './meta.ts';
import { type ApiMetrics, createMetrics } from './metrics.ts';
import { answerHeaders } from './pipeline.ts';
import { DEFAULT_RATE_LIMIT, type KeyRateLimiter, RateLimiter, type RateLimitOptions } from './rate-limit.ts';
import { type AnyRoute, registerRoutes } from './route.ts';
import { scheduleRoutes } from './schedules.ts';
import { corsPolicy } from './security-headers.ts';
import { sessionRoutes } from './session.ts';
import { DEFAULT_SSE_OPTIONS, type SseOptions } from './sse.ts';
import { StreamRegistry } from './stream-registry.ts';
import type { ApiDeps, ApiEnv } from './types.ts';
import { webhookRoutes } from './webhooks.ts';

export const API_VERSION = '1.0.0';
export const MAX_BODY_BYTES = 1024 * 1024;
/** Long enough to spare the key lookup on nearly every request, short enough for revocation elsewhere. */
export const DEFAULT_KEY_CACHE_MS = 1_000;

/**
 * Defence in depth: no log call of the API passes request headers today (test/api-hardening-logs
 * checks a real server's output), but should one ever, their secrets come out censored.
 */
const REDACT = {
  paths: [
    'authorization',
    'cookie',
    '*.authorization',
    '*.cookie',
    '*.headers.authorization',
    '*.headers.cookie',
  ],
  censor: '[redacted]',
};

export interface AppOptions {
  longrun: Longrun;
  /**
   * Per-key token bucket; `false` turns limiting off (benchmarks). Default 1,200/min, burst 200. A
   * `KeyRateLimiter` instance replaces the bucket (the HTTP processes of a cluster borrow theirs).
   */
  rateLimit?: Partial<RateLimitOptions> | KeyRateLimiter | false;
  logger?: Logger;
  /**
   * Event streams: heartbeat and poll intervals, the caps (`maxStreamsPerKey` 500, `maxStreams`
   * 5,000 per process), `maxMissedHeartbeats` (2) and `revalidateMs` (500). See sse.ts and
   * stream-registry.ts; docs/security.md lists them all.
   */
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
  /**
   * Serve the dashboard's built assets from this folder at the root (`longrun serve` passes
   * `dist/web`); absent, the app serves the API only.
   */
  dashboard?: { dir: string };
  /**
   * Origins whose pages may call the API from a browser (`https://app.example.com`, exact matches;
   * no `*`). Off by default: no CORS headers at all, so a browser lets no other origin read an
   * answer. Cookies never cross origins: such a page sends a Bearer key. docs/security.md says more.
   */
  corsOrigins?: string[];
  /**
   * Headers every answer carries, whichever way it was served (say `Strict-Transport-Security`
   * where TLS ends at this server). Names and values are checked here, not on the first request.
   */
  responseHeaders?: Record<string, string>;
  /** Share one metrics registry across apps (default: one per app). */
  metrics?: ApiMetrics;
  /**
   * `/metrics` names every workspace with its job counts, so it needs an admin key of the
   * operator's workspace: this one (default `default`, where `longrun serve` makes its first key).
   */
  metricsWorkspace?: string;
  /**
   * Requests that present no valid credential (a missing, malformed, unknown or revoked key or
   * session cookie) per client address, counted before any store lookup: default 300 a minute,
   * bursts of 60 (auth-guard.ts). `false` turns it off, and so does `rateLimit: false` unless this
   * is given. Each process counts its own.
   */
  authLimit?: Partial<Pick<RateLimitOptions, 'perMinute' | 'burst'>> | false;
  /**
   * The address a request counts against for `authLimit`. Default: the socket's peer address under
   * the Node listener; one shared bucket where there is no socket (`app.request`, a fetch host).
   * Behind a reverse proxy, return the client address the proxy reports (the hop it appended to
   * `X-Forwarded-For`, not one the client could have sent). IPv6 addresses count per /64.
   */
  clientAddress?: ClientAddressPicker;
  /**
   * The time the key and session caches, `authLimit` and the once-a-minute `lastUsedAt` writes go by
   * (default: the process's monotonic clock). Tests move it instead of sleeping.
   */
  clock?: Clock;
}

export type LongrunApp = Hono<ApiEnv> & {
  readonly routeTable: readonly AnyRoute[];
  /** `GET /api/v1/jobs/:id` straight on node:http; `nodeRequestListener` (direct.ts) tries it first. */
  readonly direct: DirectHandler;
  /** The answer to a request the Node adapter cannot parse (`nodeRequestListener`). */
  readonly adapterError: AdapterError;
};

export function createApp(opts: AppOptions): LongrunApp {
  const basePath = normalizeBasePath(opts.basePath);
  const logger = (opts.logger ?? pino({ level: 'silent' })).child({}, { redact: REDACT });
  const keyCacheMs = opts.keyCacheMs ?? DEFAULT_KEY_CACHE_MS;
  const now = opts.clock ? () => opts.clock!.now() : () => performance.now();
  const sse = { ...DEFAULT_SSE_OPTIONS, ...opts.sse };
  const deps: ApiDeps = {
    longrun: opts.longrun,
    logger,
    limiter: rateLimiter(opts.rateLimit),
    keyCache: new KeyCache(keyCacheMs, undefined, now),
    sessionCache: new KeyCache(keyCacheMs, undefined, now),
    guard: new AuthGuard({ limit: authLimit(opts), ttlMs: keyCacheMs, now }),
    clientAddress: (c) => clientAddressOf(c, opts.clientAddress),
    metrics: opts.metrics ?? createMetrics(opts.longrun),
    sse,
    streams: new StreamRegistry(opts.longrun.credentials, sse, {
      onInvalid: (c) => (c.kind === 'key' ? deps.keyCache : deps.sessionCache).forget(c.hash),
      onError: (err) => logger.warn({ err }, 'cannot check the keys of open event streams'),
    }),
    shutdown: opts.shutdown ?? new AbortController().signal,
    cors: corsPolicy(opts.corsOrigins),
    answerHeaders: answerHeaders(checkedHeaders(opts.responseHeaders)),
    metricsWorkspace: opts.metricsWorkspace ?? DEFAULT_WORKSPACE,
    maxBodyBytes: opts.maxBodyBytes ?? MAX_BODY_BYTES,
    basePath,
  };

  const app = basePath ? (new Hono<ApiEnv>().basePath(basePath) as Hono<ApiEnv>) : new Hono<ApiEnv>();
  app.use(requestFrame(deps));

  const routes: AnyRoute[] = [];
  routes.push(...jobRoutes(deps), ...eventRoutes(deps), ...keyRoutes(deps), ...sessionRoutes(deps));
  routes.push(...jobOpsRoutes(deps));
  routes.push(...webhookRoutes(deps));
  routes.push(...jobTypeRoutes(deps));
  routes.push(...scheduleRoutes(deps));
  routes.push(...metaRoutes(deps, () => routes, API_VERSION));
  registerRoutes(app, deps, routes);
  if (opts.dashboard && !registerDashboard(app, opts.dashboard.dir))
    logger.warn(
      { dir: opts.dashboard.dir },
      'the dashboard is not built (npm run build); serving the API only',
    );

  app.notFound((c) =>
    errorResponse(c, new LongrunError('not_found', `no route for ${c.req.method} ${c.req.path}`)),
  );
  app.onError(makeErrorHandler(logger));
  return Object.assign(app, {
    routeTable: routes as readonly AnyRoute[],
    direct: directJobGet(deps),
    adapterError: adapterErrorAnswer(deps),
  });
}

function checkedHeaders(headers: Record<string, string> = {}): Record<string, string> {
  for (const [name, value] of Object.entries(headers)) {
    validateHeaderName(name);
    validateHeaderValue(name, value);
  }
  return headers;
}

/** `/jobs-api/` and `jobs-api` → `/jobs-api`; `/` and undefined → ''. */
export function normalizeBasePath(raw: string | undefined): string {
  const trimmed = (raw ?? '').replace(/\/+$/, '');
  if (trimmed === '') return '';
  const path = trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
  if (!/^(\/[A-Za-z0-9._~-]+)+$/.test(path))
    throw new TypeError(`basePath "${raw}" must be a URL path such as /jobs-api (letters, digits, . _ ~ -)`);
  return path;
}

/** `authLimit` with its defaults; off when turned off, or when all limiting is (`rateLimit: false`). */
function authLimit(opts: AppOptions): AuthGuardOptions['limit'] {
  if (opts.authLimit === false || (opts.authLimit === undefined && opts.rateLimit === false)) return null;
  return { ...DEFAULT_AUTH_LIMIT, ...opts.authLimit };
}

function rateLimiter(opt: AppOptions['rateLimit']): KeyRateLimiter | null {
  if (opt === false) return null;
  if (opt && 'take' in opt) return opt;
  return new RateLimiter({ ...DEFAULT_RATE_LIMIT, ...opt });
}
