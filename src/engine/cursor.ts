/**
 * List cursors are opaque to clients and signed: base64url of the position, a dot, and an HMAC of
 * it under the store's `cursor_key`, which its migrations made once. Every server on one database
 * issues and accepts the same cursors, across restarts; a cursor a client made up, edited or
 * brought from another database is a 400, like a malformed one.
 *
 * ```ts
 * const codec = new CursorCodec(key);
 * codec.decodeJob(codec.encodeJob(42)); // 42
 * ```
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { LongrunError } from '../core/errors.ts';

/** 96 bits of HMAC-SHA256: forging one means guessing it, at one HTTP request per guess. */
const MAC_CHARS = 16;
/**
 * The longest an item cursor gets: a 200-character step and a 1,000-character key (the engine's
 * limits), 3 bytes each in UTF-8 at worst, in base64url, is under 4,900 characters.
 */
export const MAX_CURSOR = 6_000;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

export class CursorCodec {
  constructor(private readonly key: string) {}

  encodeJob(position: number): string {
    return this.seal(`v1.${position}`);
  }

  decodeJob(cursor: string): number {
    const m = /^v1\.(\d{1,15})$/.exec(this.open(cursor) ?? '');
    if (!m) throw invalidCursor();
    return Number(m[1]);
  }

  /** A webhook delivery cursor: the id of the page's last delivery. */
  encodeDelivery(id: number): string {
    return this.seal(`d1.${id}`);
  }

  decodeDelivery(cursor: string): number {
    const m = /^d1\.(\d{1,15})$/.exec(this.open(cursor) ?? '');
    if (!m) throw invalidCursor();
    return Number(m[1]);
  }

  /** An item cursor: the step and key of the page's last item, NUL between them. */
  encodeItem(step: string, key: string): string {
    return this.seal(`i1.${step}\u0000${key}`);
  }

  /** `step + NUL + key`, what `Store.itemList` takes as `after`. */
  decodeItem(cursor: string): string {
    const text = this.open(cursor) ?? '';
    // Exactly one NUL: it separates step from key, and any other would reach a text column, which
    // PostgreSQL refuses outright. Signed cursors carry what the server wrote; this is a backstop.
    const nul = text.indexOf('\u0000');
    if (!text.startsWith('i1.') || nul < 0 || text.indexOf('\u0000', nul + 1) >= 0) throw invalidCursor();
    return text.slice(3);
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url').slice(0, MAC_CHARS);
  }

  private seal(text: string): string {
    const body = Buffer.from(text).toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  /** The text inside a cursor this store signed, or null. */
  private open(cursor: string): string | null {
    const dot = cursor.length - MAC_CHARS - 1;
    if (dot < 1 || cursor.length > MAX_CURSOR || cursor[dot] !== '.') return null;
    const body = cursor.slice(0, dot);
    const given = cursor.slice(dot + 1);
    // Both ASCII of one length, as timingSafeEqual needs (it throws on a length mismatch).
    if (!BASE64URL.test(body) || !BASE64URL.test(given)) return null;
    if (!timingSafeEqual(Buffer.from(given), Buffer.from(this.mac(body)))) return null;
    return Buffer.from(body, 'base64url').toString();
  }
}

function invalidCursor(): LongrunError {
  return new LongrunError('invalid_input', 'cursor is not one this server issued', {
    details: [{ path: 'cursor', message: 'pass the X-Next-Cursor value of the previous page unchanged' }],
  });
}
