/**
 * Keyset pagination on the wire: the next page's cursor goes in `X-Next-Cursor` and in
 * `Link: </api/v1/…?cursor=…>; rel="next"` (path-absolute, so it stays right behind a proxy that
 * rewrites the host). No header at all means this was the last page.
 */
import type { Context } from 'hono';
export declare function setNextPage(c: Context, cursor: string | null, param?: string): void;
//# sourceMappingURL=pagination.d.ts.map