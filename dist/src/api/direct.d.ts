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
 * malformed). What it takes it answers as Hono would: the same body, status and headers, rate
 * limit, metrics and error envelope. test/api-direct.test.ts holds the two paths equal.
 *
 * ```ts
 * const app = createApp({ longrun });
 * http.createServer(nodeRequestListener(app)).listen(3000);
 * ```
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import type { Logger } from 'pino';
import type { ApiDeps } from './types.ts';
/** Answers the request and returns true, or returns false having touched nothing. */
export type DirectHandler = (req: IncomingMessage, res: ServerResponse) => boolean;
export declare const DIRECT_ROUTE = "/api/v1/jobs/:id";
export declare function directJobGet(deps: ApiDeps): DirectHandler;
/**
 * The `node:http` listener of an app: the direct path first, Hono's Node adapter for the rest.
 * `hostname` stands in for a request without a `Host` header (HTTP/1.0 health checks send none).
 */
export declare function nodeRequestListener(app: {
    fetch: Parameters<typeof getRequestListener>[0];
    direct: DirectHandler;
    adapterError: AdapterError;
}, opts?: {
    hostname?: string;
}): RequestListener;
export type AdapterError = (err: unknown) => Response;
/**
 * What the Node adapter answers when it cannot make a Request of what arrived (an invalid `Host`,
 * `*` or a backslash as the path) or Hono itself throws: our envelope, where the adapter's own is
 * an empty 400 or 500. The adapter does not pass the request, so the request id is always fresh.
 */
export declare function adapterErrorAnswer(logger: Logger): AdapterError;
//# sourceMappingURL=direct.d.ts.map