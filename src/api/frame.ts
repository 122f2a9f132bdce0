/**
 * The frame around every request the Hono app answers: steps 1 and 6 of the pipeline
 * (pipeline.ts), a CORS preflight, and the body size limit before any handler or auth runs. One
 * middleware on purpose: each middleware layer is a closure and a promise per request, and these
 * always run together. Add a step to pipeline.ts, not a middleware here or in app.ts: the direct
 * path (direct.ts) calls the pipeline, not Hono's middleware.
 *
 * ```ts
 * app.use(requestFrame(deps));
 * ```
 */
import type { MiddlewareHandler } from 'hono';
import { LongrunError } from '../core/errors.ts';
import { errorResponse } from './errors.ts';
import { hasNodeResponse, REQUEST_ID, requestIdFor, setResponseHeader } from './headers.ts';
import { frameHeaders, recordRequest } from './pipeline.ts';
import type { ApiDeps, ApiEnv } from './types.ts';

export function requestFrame(deps: ApiDeps): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const started = performance.now();
    const requestId = requestIdFor(c.req.header(REQUEST_ID));
    c.set('requestId', requestId);
    const origin = deps.cors.enabled ? c.req.header('origin') : undefined;
    frameHeaders(deps, requestId, origin, (name, value) => setResponseHeader(c, name, value));
    const preflight =
      deps.cors.enabled && c.req.method === 'OPTIONS'
        ? deps.cors.preflight(origin, c.req.header('access-control-request-method'))
        : null;
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
      frameHeaders(deps, requestId, origin, (name, value) => {
        if (!headers.has(name)) headers.set(name, value);
      });
    }
    recordRequest(deps, {
      method: c.req.method,
      route: c.get('route') ?? 'unmatched',
      status: c.res.status,
      started,
      requestId,
    });
  };
}
