/**
 * One place that turns anything thrown into the error envelope `{ error: { code, message, details? } }`.
 * Client mistakes arrive here as `LongrunError`s with a 4xx status, and a database that cannot be
 * reached as the stores' 503 `store_unavailable` (each store maps its driver's errors; nothing here
 * knows one). Everything else is a bug: 500 `internal`, logged with the request id, and the body
 * never carries a stack or the original message.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { type ErrorCode, type ErrorDetail, LongrunError } from '../core/errors.ts';

export function errorBody(code: ErrorCode, message: string, details?: ErrorDetail[]) {
  return { error: { code, message, ...(details ? { details } : {}) } };
}

export function errorResponse(c: Context, err: LongrunError, headers: Record<string, string> = {}): Response {
  return c.json(err.toJSON(), err.status as 400, headers);
}

/** Zod issues → `invalid_input` naming each offending field (and the allowed values when known). */
export function validationError(where: string, issues: z.core.$ZodIssue[]): LongrunError {
  const details: ErrorDetail[] = issues.map((i) => {
    const path = i.path.map(String).join('.');
    const d: ErrorDetail = { path: path || where, message: i.message };
    if (i.code === 'unrecognized_keys') d.message = `unknown field(s): ${i.keys.join(', ')}`;
    const allowed = (i as { params?: { allowed?: unknown } }).params?.allowed;
    if (allowed !== undefined) d.allowed = allowed;
    return d;
  });
  const first = details[0];
  // A problem with the whole body or query (unknown fields) reads "invalid body: …", not "body: body: …".
  const summary = first
    ? first.path === where
      ? first.message
      : `${first.path}: ${first.message}`
    : 'invalid';
  return new LongrunError('invalid_input', `invalid ${where}: ${summary}`, { details });
}

export function toLongrunError(err: unknown): LongrunError | null {
  if (err instanceof LongrunError) return err;
  if (err instanceof HTTPException && err.status < 500) {
    // Hono raises these for malformed requests it parses itself (e.g. a bad URL encoding).
    return new LongrunError('invalid_input', err.message || 'malformed request');
  }
  return null;
}

export interface ErrorAnswer {
  status: number;
  body: ReturnType<typeof errorBody>;
  headers: Record<string, string>;
}

/** What to answer for anything a handler threw, logged when it is the server's fault. */
export function errorAnswer(
  err: unknown,
  logger: Logger,
  req: { requestId: string; method: string; path: string },
): ErrorAnswer {
  const known = toLongrunError(err);
  if (known) {
    if (known.status >= 500) logger.warn({ err, requestId: req.requestId }, known.message);
    const headers: Record<string, string> = known.code === 'store_unavailable' ? { 'Retry-After': '1' } : {};
    return { status: known.status, body: known.toJSON(), headers };
  }
  logger.error({ err, ...req }, 'unhandled error');
  return {
    status: 500,
    body: errorBody('internal', `internal error (request id ${req.requestId})`),
    headers: {},
  };
}

export function makeErrorHandler(logger: Logger) {
  return (err: unknown, c: Context): Response => {
    const requestId = String(c.get('requestId') ?? '');
    const a = errorAnswer(err, logger, { requestId, method: c.req.method, path: c.req.path });
    return c.json(a.body, a.status as 400, a.headers);
  };
}
