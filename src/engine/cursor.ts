/** List cursors are opaque to clients: `v1.<position>` in base64url, checked strictly on the way in. */
import { LongrunError } from '../core/errors.ts';

export function encodeCursor(position: number): string {
  return Buffer.from(`v1.${position}`).toString('base64url');
}

export function decodeCursor(cursor: string): number {
  const text = /^[A-Za-z0-9_-]{1,40}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString() : '';
  const m = /^v1\.(\d{1,15})$/.exec(text);
  if (!m) {
    throw new LongrunError('invalid_input', 'cursor is not one this server issued', {
      details: [{ path: 'cursor', message: 'pass the X-Next-Cursor value of the previous page unchanged' }],
    });
  }
  return Number(m[1]);
}
