/**
 * The frame around every request: its id, its timing, the security headers of every answer and a
 * CORS preflight (security-headers.ts), and the body size limit before any handler or auth runs;
 * afterwards, the latency histogram and a warning for a 5xx. One middleware on purpose:
 * each middleware layer is a closure and a promise per request, and these always run together.
 * `recordRequest` is the "afterwards" half, shared with the direct path (direct.ts).
 *
 * ```ts
 * app.use(requestFrame(deps));
 * ```
 */
import type { MiddlewareHandler } from 'hono';
import { LongrunError } from '../core/errors.ts';
import { errorResponse } from './errors.ts';
import { hasNodeResponse, REQUEST_ID, setRequestId, setResponseHeader } from './headers.ts';
import { NOSNIFF } from './security-headers.ts';
import type { ApiDeps, ApiEnv } from './types.ts';

export function requestFrame(deps: ApiDeps): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const started = performance.now();
    setRequestId(c);
    setResponseHeader(c, NOSNIFF.name, NOSNIFF.value);
    const cors = deps.cors.enabled ? deps.cors.headersFor(c.req.header('origin')) : null;
    const preflight =
      cors && c.req.method === 'OPTIONS'
        ? deps.cors.preflight(c.req.header('origin'), c.req.header('access-control-request-method'))
        : null;
    if (cors) for (const [name, value] of Object.entries(cors)) setResponseHeader(c, name, value);
    const length = Number(c.req.header('content-length') ?? 0);
    if (preflight) {
      c.res = c.body(null, 204, preflight);
    } else if (length > deps.maxBodyBytes) {
      c.res = errorResponse(
        c,
        new LongrunError('payload_too_large', `request body exceeds ${deps.maxBodyBytes} bytes`, {
          details: [{ message: `maximum body size is ${deps.maxBodyBytes} bytes`, limit: deps.maxBodyBytes }],
        }),
      );
    } else {
      await next();
    }
    // Under the Node listener the headers above went onto the socket's response and are merged
    // into any answer. In process they reach answers made through `c` only; a Response a handler
    // built itself (an event stream) gets them here.
    if (!hasNodeResponse(c)) {
      const headers = c.res.headers;
      for (const [name, value] of [[NOSNIFF.name, NOSNIFF.value], ...Object.entries(cors ?? {})] as const)
        if (!headers.has(name)) headers.set(name, value);
      if (!headers.has(REQUEST_ID)) headers.set(REQUEST_ID, c.get('requestId'));
    }
    recordRequest(deps, {
      method: c.req.method,
      route: c.get('route') ?? 'unmatched',
      status: c.res.status,
      started,
      requestId: c.get('requestId'),
    });
  };
}

export function recordRequest(
  deps: ApiDeps,
  r: { method: string; route: string; status: number; started: number; requestId: string },
): void {
  deps.metrics.observeHttp(r.method, r.route, r.status, (performance.now() - r.started) / 1000);
  if (r.status >= 500)
    deps.logger.warn({ requestId: r.requestId, status: r.status, route: r.route }, 'request failed');
}
