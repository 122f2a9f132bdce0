import { getRequestListener, RequestError } from '@hono/node-server';
import { LongrunError } from "../core/errors.js";
import { cachedAuth, scopeAllows } from "./auth.js";
import { errorAnswer } from "./errors.js";
import { recordRequest } from "./frame.js";
import { REQUEST_ID, requestIdFor } from "./headers.js";
import { spendToken } from "./rate-limit.js";
export const DIRECT_ROUTE = '/api/v1/jobs/:id';
/**
 * Ids taken here: those that read the same before and after URL decoding, which every id Longrun
 * generates does. It also keeps out `?`, `/` and `%`, so a query, a deeper path or an escape goes
 * to Hono, which decodes and validates them.
 */
const PLAIN_ID = /^[0-9A-Za-z_-]{1,200}$/;
/**
 * Hosts the Node adapter takes as they are (its own fast check); it refuses some others with a
 * bare 400 and fills in a missing one, so those go to it.
 */
const PLAIN_HOST = /^[a-z0-9._-]+(?::(?:[1-5]\d{3,4}|[6-9]\d{3}))?$/;
/**
 * Node keeps the first of two `Authorization` headers, where the adapter joins them (and the
 * joined value is no valid key, a 401): a request with two goes to the adapter.
 */
function repeatsAuthorization(raw) {
    let seen = 0;
    for (let i = 0; i < raw.length; i += 2) {
        const name = raw[i];
        if (name.length === 13 && name.toLowerCase() === 'authorization' && ++seen > 1)
            return true;
    }
    return false;
}
export function directJobGet(deps) {
    const prefix = `${deps.basePath}/api/v1/jobs/`;
    return (req, res) => {
        const url = req.url;
        if (req.method !== 'GET' || url === undefined || !url.startsWith(prefix))
            return false;
        const id = url.slice(prefix.length);
        const headers = req.headers;
        if (!PLAIN_ID.test(id) ||
            headers['content-length'] !== undefined ||
            headers['transfer-encoding'] !== undefined ||
            !PLAIN_HOST.test(headers.host ?? '') ||
            repeatsAuthorization(req.rawHeaders))
            return false;
        const auth = cachedAuth(headers.authorization, deps.keyCache);
        if (!auth || !scopeAllows(auth.scope, 'read'))
            return false;
        answer(deps, req, res, id, auth).catch((err) => {
            // Only a bug gets here (every error of the request itself is answered); the client sees a
            // dropped connection rather than the process going down with an unhandled rejection.
            deps.logger.error({ err, path: url }, 'direct answer failed');
            if (!res.writableEnded)
                res.destroy();
        });
        return true;
    };
}
async function answer(deps, req, res, id, auth) {
    const started = performance.now();
    const given = req.headers['x-request-id'];
    const requestId = requestIdFor(typeof given === 'string' ? given : undefined);
    const headers = { [REQUEST_ID]: requestId };
    let status = 200;
    let body;
    try {
        if (deps.limiter) {
            const spent = spendToken(deps.limiter, auth.keyId, (name, value) => {
                headers[name] = value;
            });
            if (spent)
                await spent;
        }
        body = await deps.longrun.getJobJson(id, { workspaceId: auth.workspaceId });
    }
    catch (err) {
        const a = errorAnswer(err, deps.logger, { requestId, method: 'GET', path: req.url ?? '' });
        status = a.status;
        body = JSON.stringify(a.body);
        Object.assign(headers, a.headers);
    }
    headers['Content-Type'] = 'application/json';
    headers['Content-Length'] = Buffer.byteLength(body);
    res.writeHead(status, headers);
    res.end(body);
    recordRequest(deps, { method: 'GET', route: DIRECT_ROUTE, status, started, requestId });
}
/**
 * The `node:http` listener of an app: the direct path first, Hono's Node adapter for the rest.
 * `hostname` stands in for a request without a `Host` header (HTTP/1.0 health checks send none).
 */
export function nodeRequestListener(app, opts = {}) {
    const viaHono = getRequestListener(app.fetch, { hostname: opts.hostname, errorHandler: app.adapterError });
    return (req, res) => {
        if (!app.direct(req, res))
            void viaHono(req, res);
    };
}
/**
 * What the Node adapter answers when it cannot make a Request of what arrived (an invalid `Host`,
 * `*` or a backslash as the path) or Hono itself throws: our envelope, where the adapter's own is
 * an empty 400 or 500. The adapter does not pass the request, so the request id is always fresh.
 */
export function adapterErrorAnswer(logger) {
    return (err) => {
        const requestId = requestIdFor(undefined);
        const error = err instanceof RequestError
            ? new LongrunError('invalid_input', 'the request has no usable URL', {
                details: [{ path: 'request', message: err.message }],
            })
            : err;
        const a = errorAnswer(error, logger, { requestId, method: '', path: '' });
        return Response.json(a.body, { status: a.status, headers: { ...a.headers, [REQUEST_ID]: requestId } });
    };
}
//# sourceMappingURL=direct.js.map