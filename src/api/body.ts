/**
 * Request bodies: JSON only, at most `maxBytes`, read with a running byte count so a client that
 * lies in `Content-Length` (or sends none, chunked) still cannot make the server buffer more.
 */
import type { Context } from 'hono';
import { LongrunError } from '../core/errors.ts';

export function isJsonContentType(value: string | undefined): boolean {
  return value !== undefined && /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(value.trim());
}

function tooLarge(maxBytes: number): LongrunError {
  return new LongrunError('payload_too_large', `request body exceeds ${maxBytes} bytes`, {
    details: [{ message: `maximum body size is ${maxBytes} bytes`, limit: maxBytes }],
  });
}

async function readCapped(stream: ReadableStream<Uint8Array>, maxBytes: number, keep: boolean) {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    if (keep) chunks.push(value);
  }
  return { total, chunks };
}

/** Reads and drops a body a route does not use, enforcing the size limit all the same. */
export async function discardBody(c: Context, maxBytes: number): Promise<void> {
  if (c.req.raw.body && !c.req.raw.bodyUsed) await readCapped(c.req.raw.body, maxBytes, false);
}

/** Returns `undefined` when the request carries no body at all. */
export async function readJsonBody(c: Context, maxBytes: number): Promise<unknown> {
  const length = c.req.header('content-length');
  const declared = length === undefined ? null : Number(length);
  if (declared !== null && Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  const stream = c.req.raw.body;
  if (!stream || declared === 0) return undefined;
  if (!isJsonContentType(c.req.header('content-type'))) {
    throw new LongrunError(
      'unsupported_media_type',
      'request bodies must be JSON (Content-Type: application/json)',
      {
        details: [{ message: `got Content-Type: ${c.req.header('content-type') ?? '(none)'}` }],
      },
    );
  }
  const { total, chunks } = await readCapped(stream, maxBytes, true);
  if (total === 0) return undefined;
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new LongrunError('invalid_json', `request body is not valid JSON: ${(err as Error).message}`);
  }
}
