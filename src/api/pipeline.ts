/**
 * The steps every request goes through, written once and called by both request paths: the Hono
 * app (the frame middleware, frame.ts, and the route table, route.ts) and the direct path for
 * `GET /api/v1/jobs/:id` (direct.ts), which skips Hono for speed but not these.
 *
 * 1. `frameHeaders`: the request id and the headers of every answer (`X-Content-Type-Options`,
 *    `AppOptions.responseHeaders`, CORS). A header every answer must carry goes here or into that
 *    option, and so reaches both paths.
 * 2. `routeHeaders`: what a route that needs a credential adds (`Cache-Control: no-store`).
 * 3. Authenticate: auth.ts (the direct path takes only keys its cache holds).
 * 4. `admit`: the key's rate limit, then its scope.
 * 5. On a throw, `errorAnswer` (errors.ts) decides status, body and headers.
 * 6. `recordRequest`: latency histogram, and a warning for a 5xx.
 *
 * Each step sets headers through a `set(name, value)` callback, so each path writes them its
 * cheapest way (onto Node's response, into a plain object, or through Hono).
 */
import { type AuthInfo, forbidden, scopeAllows } from './auth.ts';
import { REQUEST_ID } from './headers.ts';
import { spendToken } from './rate-limit.ts';
import type { Scope } from './schemas.ts';
import { NO_STORE, NOSNIFF } from './security-headers.ts';
import type { ApiDeps } from './types.ts';

export type SetHeader = (name: string, value: string) => void;
export type HeaderList = readonly (readonly [name: string, value: string])[];

/** The fixed headers of every answer, given the app's `responseHeaders`; built once per app. */
export function answerHeaders(extra: Record<string, string> = {}): HeaderList {
  return [[NOSNIFF.name, NOSNIFF.value], ...Object.entries(extra)];
}

/** Step 1: the request id and every answer's headers. `origin` is the request's, for CORS. */
export function frameHeaders(
  deps: ApiDeps,
  requestId: string,
  origin: string | undefined,
  set: SetHeader,
): void {
  set(REQUEST_ID, requestId);
  for (const [name, value] of deps.answerHeaders) set(name, value);
  if (deps.cors.enabled)
    for (const [name, value] of Object.entries(deps.cors.headersFor(origin))) set(name, value);
}

/** Step 2, before authentication, so that its refusals carry them too. */
export function routeHeaders(scope: Scope | 'public', set: SetHeader): void {
  if (scope !== 'public') set(NO_STORE.name, NO_STORE.value);
}

/**
 * Step 4: one of the key's tokens (`X-RateLimit-Remaining`, or the 429), then the scope (the 403).
 * It returns a promise only when the limiter borrows its tokens from another process, so a local
 * bucket adds no await to a request.
 */
export function admit(deps: ApiDeps, auth: AuthInfo, need: Scope, set: SetHeader): void | Promise<void> {
  const spent = deps.limiter ? spendToken(deps.limiter, auth.keyId, set) : undefined;
  if (spent) return spent.then(() => checkScope(auth, need));
  checkScope(auth, need);
}

function checkScope(auth: AuthInfo, need: Scope): void {
  if (!scopeAllows(auth.scope, need)) throw forbidden(auth.scope, need);
}

/** Step 6, once the answer is written. `route` is the pattern (bounded label cardinality). */
export function recordRequest(
  deps: ApiDeps,
  r: { method: string; route: string; status: number; started: number; requestId: string },
): void {
  deps.metrics.observeHttp(r.method, r.route, r.status, (performance.now() - r.started) / 1000);
  if (r.status >= 500)
    deps.logger.warn({ requestId: r.requestId, status: r.status, route: r.route }, 'request failed');
}
