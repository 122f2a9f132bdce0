/**
 * Keyset pagination on the wire: the next page's cursor goes in `X-Next-Cursor` and in
 * `Link: </api/v1/…?cursor=…>; rel="next"` (path-absolute, so it stays right behind a proxy that
 * rewrites the host). No header at all means this was the last page.
 */

import type { Context } from 'hono';
import { LongrunError } from '../core/errors.ts';
import { setResponseHeader } from './headers.ts';

export function setNextPage(c: Context, cursor: string | null, param = 'cursor'): void {
  if (cursor === null) return;
  // The query string alone, not a full URL parse: this runs on every page of every list.
  const url = c.req.url;
  const at = url.indexOf('?');
  const query = new URLSearchParams(at < 0 ? '' : url.slice(at + 1));
  query.set(param, cursor);
  setResponseHeader(c, 'Link', `<${c.req.path}?${query}>; rel="next"`);
  setResponseHeader(c, 'X-Next-Cursor', cursor);
}

/** Item cursors are opaque too: `i1.` + step + NUL + key, base64url. */
export function encodeItemCursor(step: string, key: string): string {
  return Buffer.from(`i1.${step}\u0000${key}`).toString('base64url');
}

export function decodeItemCursor(cursor: string): string {
  const text = /^[A-Za-z0-9_-]{1,2000}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString() : '';
  // Exactly one NUL: it separates step from key, and any other would reach a text column, which
  // PostgreSQL refuses outright.
  const nul = text.indexOf('\u0000');
  if (!text.startsWith('i1.') || nul < 0 || text.indexOf('\u0000', nul + 1) >= 0) {
    throw new LongrunError('invalid_input', 'cursor is not one this server issued', {
      details: [{ path: 'cursor', message: 'pass the X-Next-Cursor value of the previous page unchanged' }],
    });
  }
  return text.slice(3);
}
