/**
 * Keyset pagination on the wire: the next page's cursor goes in `X-Next-Cursor` and in
 * `Link: </api/v1/…?cursor=…>; rel="next"` (path-absolute, so it stays right behind a proxy that
 * rewrites the host). No header at all means this was the last page.
 */
import { setResponseHeader } from "./headers.js";
export function setNextPage(c, cursor, param = 'cursor') {
    if (cursor === null)
        return;
    // The query string alone, not a full URL parse: this runs on every page of every list.
    const url = c.req.url;
    const at = url.indexOf('?');
    const query = new URLSearchParams(at < 0 ? '' : url.slice(at + 1));
    query.set(param, cursor);
    setResponseHeader(c, 'Link', `<${c.req.path}?${query}>; rel="next"`);
    setResponseHeader(c, 'X-Next-Cursor', cursor);
}
//# sourceMappingURL=pagination.js.map