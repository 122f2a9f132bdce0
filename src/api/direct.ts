/**
 * `GET /api/v1/jobs/:id` answered straight on `node:http`: the request every client that watches a
 * job's progress repeats, and so the API's busiest. Through Hono and its Node adapter a request
 * builds a Request, a Context and a Response and runs four promises; on the 2-core machine the
 * HTTP bench runs on, skipping them saves about a fifth of the request's CPU (docs/scaling.md).
 *
 * It is the same route, not a second one. The route table (jobs.ts) still declares it, documents
 * it in OpenAPI and serves it in-process (`app.request`) and whenever this path declines. It
 * declines, before it does anything, whatever is not the plain case: another method or path shape,
 * an id that would need decoding, a query string, a body, an unusual or missing `Host`, two
 * `Authorization` headers, or a key the key cache does not hold (first use, unknown, revoked,
 * malformed). What it takes goes through the same pipeline as a Hono request (pipeline.ts: request
 * id, headers, rate limit, scope, error envelope, metrics) with the route's own path, scope and
 * body (`JOB_BY_ID`, jobs.ts). Only the deciding and the writing to the socket are its own.
 * test/api-direct.test.ts holds the two paths' answers equal.
 *
 * ```ts
 * const app = createApp({ longrun });
 * http.createServer(nodeRequestListener(app)).listen(3000);
 * ```
 */
import type { IncomingMessage, OutgoingHttpHeaders, RequestListener, ServerResponse } from 'node:http';
import { getRequestListener, RequestError } from '@hono/node-server';
import { LongrunError } from '../core/errors.ts';
import { type AuthInfo, cachedAuth } from './auth.ts';
import { errorAnswer } from './errors.ts';
import { requestIdFor } from './headers.ts';
import { JOB_BY_ID } from './jobs.ts';
import { admit, frameHeaders, recordRequest, routeHeaders } from './pipeline.ts';
import { isPlainId } from './schemas.ts';
import type { ApiDeps } from './types.ts';

/** Answers the request and returns true, or returns false having touched nothing. */
export type DirectHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

export const DIRECT_ROUTE = JOB_BY_ID.path;
/**
 * Hosts the Node adapter takes as they are (its own fast check); it refuses some others with a
 * bare 400 and fills in a missing one, so those go to it.
 */
const PLAIN_HOST = /^[a-z0-9._-]+(?::(?:[1-5]\d{3,4}|[6-9]\d{3}))?$/;

/**
 * Node keeps the first of two `Authorization` headers, where the adapter joins them (and the
 * joined value is no valid key, a 401): a request with two goes to the adapter.
 */
function repeatsAuthorization(raw: string[]): boolean {
  let seen = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 13 && name.toLowerCase() === 'authorization' && ++seen > 1) return true;
  }
  return false;
}

export function directJobGet(deps: ApiDeps): DirectHandler {
  const prefix = `${deps.basePath}${JOB_BY_ID.path.slice(0, -':id'.length)}`;
  return (req, res) => {
    const url = req.url;
    if (req.method !== 'GET' || url === undefined || !url.startsWith(prefix)) return false;
    const id = url.slice(prefix.length);
    const headers = req.headers;
    if (
      !isPlainId(id) ||
      headers['content-length'] !== undefined ||
      headers['transfer-encoding'] !== undefined ||
      !PLAIN_HOST.test(headers.host ?? '') ||
      repeatsAuthorization(req.rawHeaders)
    )
      return false;
    const auth = cachedAuth(headers.authorization, deps.keyCache);
    if (!auth) return false;
    answer(deps, req, res, id, auth).catch((err: unknown) => {
      // Only a bug gets here (every error of the request itself is answered); the client sees a
      // dropped connection rather than the process going down with an unhandled rejection.
      deps.logger.error({ err, path: url }, 'direct answer failed');
      if (!res.writableEnded) res.destroy();
    });
    return true;
  };
}

/** The pipeline (pipeline.ts) with the route's body in the middle, written straight to `res`. */
async function answer(
  deps: ApiDeps,
  req: IncomingMessage,
  res: ServerResponse,
  id: string,
  auth: AuthInfo,
): Promise<void> {
  const started = performance.now();
  const given = req.headers['x-request-id'];
  const requestId = requestIdFor(typeof given === 'string' ? given : undefined);
  const headers: OutgoingHttpHeaders = {};
  const set = (name: string, value: string) => {
    headers[name] = value;
  };
  frameHeaders(deps, requestId, req.headers.origin, set);
  routeHeaders(JOB_BY_ID.scope, set);
  let status = 200;
  let body: string;
  try {
    const admitted = admit(deps, auth, JOB_BY_ID.scope, set);
    if (admitted) await admitted;
    body = await JOB_BY_ID.body(deps, id, auth);
  } catch (err) {
    const a = errorAnswer(err, deps.logger, { requestId, method: 'GET', path: req.url ?? '' });
    status = a.status;
    body = JSON.stringify(a.body);
    Object.assign(headers, a.headers);
  }
  headers['Content-Type'] = JOB_BY_ID.contentType;
  headers['Content-Length'] = Buffer.byteLength(body);
  res.writeHead(status, headers);
  res.end(body);
  recordRequest(deps, { method: 'GET', route: JOB_BY_ID.path, status, started, requestId });
}

/**
 * The `node:http` listener of an app: the direct path first, Hono's Node adapter for the rest.
 * `hostname` stands in for a request without a `Host` header (HTTP/1.0 health checks send none).
 */
export function nodeRequestListener(
  app: { fetch: Parameters<typeof getRequestListener>[0]; direct: DirectHandler; adapterError: AdapterError },
  opts: { hostname?: string } = {},
): RequestListener {
  const viaHono = getRequestListener(app.fetch, { hostname: opts.hostname, errorHandler: app.adapterError });
  return (req, res) => {
    if (!app.direct(req, res)) void viaHono(req, res);
  };
}

export type AdapterError = (err: unknown) => Response;

/**
 * What the Node adapter answers when it cannot make a Request of what arrived (an invalid `Host`,
 * `*` or a backslash as the path) or Hono itself throws: our envelope, where the adapter's own is
 * an empty 400 or 500. The adapter does not pass the request, so the request id is always fresh.
 */
export function adapterErrorAnswer(deps: ApiDeps): AdapterError {
  return (err) => {
    const requestId = requestIdFor(undefined);
    const error =
      err instanceof RequestError
        ? new LongrunError('invalid_input', 'the request has no usable URL', {
            details: [{ path: 'request', message: err.message }],
          })
        : err;
    const a = errorAnswer(error, deps.logger, { requestId, method: '', path: '' });
    const headers: Record<string, string> = { ...a.headers };
    frameHeaders(deps, requestId, undefined, (name, value) => {
      headers[name] = value;
    });
    return Response.json(a.body, { status: a.status, headers });
  };
}
