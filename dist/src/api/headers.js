/**
 * Response headers set cheaply, and `X-Request-Id` on every response.
 *
 * Under `@hono/node-server`, `setResponseHeader` puts a header straight onto Node's `ServerResponse`
 * (`c.env.outgoing`), which merges it into the response it writes. Setting one through Hono makes a
 * `Headers` object per response that the adapter then converts back: about 10 µs of a 40 µs
 * request. In-process (`app.request`, tests) there is no ServerResponse and Hono sets it.
 *
 * ```ts
 * setRequestId(c); // in the app's request frame
 * setResponseHeader(c, 'X-Next-Cursor', cursor);
 * ```
 */
import { randomUUID } from 'node:crypto';
function nodeResponse(c) {
    return c.env?.outgoing;
}
export function setResponseHeader(c, name, value) {
    const outgoing = nodeResponse(c);
    if (outgoing)
        outgoing.setHeader(name, value);
    else
        c.header(name, value);
}
export const REQUEST_ID = 'X-Request-Id';
/** What an incoming id may look like (the same rule as Hono's requestId middleware). */
const SANE_ID = /^[\w\-=]{1,255}$/;
/** The caller's own request id when it sent a sane one, else a new UUID. */
export function requestIdFor(given) {
    return given && SANE_ID.test(given) ? given : randomUUID();
}
/** Sets `c.get('requestId')` and `X-Request-Id` (see `requestIdFor`). */
export function setRequestId(c) {
    const id = requestIdFor(c.req.header(REQUEST_ID));
    c.set('requestId', id);
    setResponseHeader(c, REQUEST_ID, id);
}
//# sourceMappingURL=headers.js.map