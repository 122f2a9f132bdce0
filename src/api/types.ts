/** What every route handler can reach: the engine facade and the app's shared services. */

import type { Context } from 'hono';
import type { Logger } from 'pino';
import type { Longrun } from '../engine/longrun.ts';
import type { AuthInfo, KeyCache } from './auth.ts';
import type { AuthGuard } from './auth-guard.ts';
import type { ApiMetrics } from './metrics.ts';
import type { HeaderList } from './pipeline.ts';
import type { KeyRateLimiter } from './rate-limit.ts';
import type { CorsPolicy } from './security-headers.ts';
import type { SseOptions } from './sse.ts';
import type { StreamRegistry } from './stream-registry.ts';

export interface ApiEnv {
  Variables: {
    requestId: string;
    auth: AuthInfo;
    /** The route pattern that matched, for metrics labels (bounded cardinality). */
    route: string;
  };
}

export interface ApiDeps {
  longrun: Longrun;
  logger: Logger;
  limiter: KeyRateLimiter | null;
  keyCache: KeyCache;
  /** Dashboard sessions that authenticated recently, by the hash of their cookie (session.ts). */
  sessionCache: KeyCache;
  /** Counts attempts without a valid credential per client address, before any lookup (auth-guard.ts). */
  guard: AuthGuard;
  /** The bucket key of the client behind a request (auth-guard.ts `clientAddressOf`). */
  clientAddress(c: Context): string;
  metrics: ApiMetrics;
  sse: SseOptions;
  /** The event streams open in this process: caps, and ending them when their key is revoked. */
  streams: StreamRegistry;
  /** Aborted when the server shuts down: open SSE streams end and /readyz turns 503. */
  shutdown: AbortSignal;
  /** Where the API is mounted: '' at the root, or a prefix such as `/jobs-api` (no trailing slash). */
  basePath: string;
  /** Which origins may read answers from a browser (security-headers.ts); off by default. */
  cors: CorsPolicy;
  /** The fixed headers of every answer, on every path (pipeline.ts `frameHeaders`). */
  answerHeaders: HeaderList;
  /** The workspace whose admin keys may read `/metrics` (the operator's; `default`). */
  metricsWorkspace: string;
  /** Largest accepted request body in bytes. */
  maxBodyBytes: number;
}
