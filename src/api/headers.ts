/**
 * Response headers set cheaply, and the request id every answer carries (set by pipeline.ts).
 *
 * Under `@hono/node-server`, `setResponseHeader` puts a header straight onto Node's `ServerResponse`
 * (`c.env.outgoing`), which merges it into the response it writes. Setting one through Hono makes a
 * `Headers` object per response that the adapter then converts back: about 10 µs of a 40 µs
 * request. In-process (`app.request`, tests) there is no ServerResponse and Hono sets it.
 *
 * ```ts
 * setResponseHeader(c, 'X-Next-Cursor', cursor);
 * ```
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Context } from 'hono';

function nodeResponse(c: Context): ServerResponse | undefined {
  return (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
}

/** Whether `c` answers on a node:http response (the Node listener) rather than in process. */
export function hasNodeResponse(c: Context): boolean {
  return nodeResponse(c) !== undefined;
}

export function setResponseHeader(c: Context, name: string, value: string): void {
  const outgoing = nodeResponse(c);
  if (outgoing) outgoing.setHeader(name, value);
  else c.header(name, value);
}

export const REQUEST_ID = 'X-Request-Id';
/** What an incoming id may look like (the same rule as Hono's requestId middleware). */
const SANE_ID = /^[\w\-=]{1,255}$/;

/** The caller's own request id when it sent a sane one, else a new UUID. */
export function requestIdFor(given: string | undefined): string {
  return given && SANE_ID.test(given) ? given : randomUUID();
}
