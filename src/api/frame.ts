/**
 * The frame around every request: its id, its timing and the body size limit before any handler or
 * auth runs; afterwards, the latency histogram and a warning for a 5xx. One middleware on purpose:
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
import { setRequestId } from './headers.ts';
import type { ApiDeps, ApiEnv } from './types.ts';

export function requestFrame(deps: ApiDeps): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const started = performance.now();
    setRequestId(c);
    const length = Number(c.req.header('content-length') ?? 0);
    if (length > deps.maxBodyBytes) {
      c.res = errorResponse(
        c,
        new LongrunError('payload_too_large', `request body exceeds ${deps.maxBodyBytes} bytes`, {
          details: [{ message: `maximum body size is ${deps.maxBodyBytes} bytes`, limit: deps.maxBodyBytes }],
        }),
      );
    } else {
      await next();
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
