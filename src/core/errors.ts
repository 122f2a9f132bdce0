/**
 * Every error Longrun reports, in one registry: a stable `code` clients can switch on and the HTTP
 * status the API answers with. Throw `new LongrunError('not_found', 'job abc not found')` anywhere;
 * the API turns it into `{ "error": { "code", "message", "details"? } }`.
 *
 * ```ts
 * throw new LongrunError('job_not_cancellable', 'job is completed', { details: [{ status: 'completed' }] });
 * ```
 */
export const ERROR_REGISTRY = {
  invalid_input: {
    status: 400,
    description: 'The request or job input failed validation; `details` lists each problem.',
  },
  invalid_json: { status: 400, description: 'The request body is not valid JSON.' },
  malformed_request: {
    status: 400,
    description: 'The request is not valid HTTP/1.1; the connection is closed.',
  },
  request_timeout: { status: 408, description: 'The request did not arrive in full in time.' },
  headers_too_large: { status: 431, description: 'The request headers exceed 16 KiB.' },
  url_not_allowed: {
    status: 400,
    description:
      "A webhook URL's host is, or resolves to, a loopback, private, link-local, unspecified or metadata address, which the server does not allow (`--webhooks-allow-private`).",
  },
  unknown_job_type: { status: 400, description: 'No job type with that name is registered.' },
  unauthorized: { status: 401, description: 'Missing, malformed, unknown or revoked API key.' },
  forbidden: { status: 403, description: "The API key's scope does not allow this operation." },
  csrf_rejected: {
    status: 403,
    description:
      'A write authenticated by the dashboard session cookie did not come from the same origin (`Origin` / `Sec-Fetch-Site`).',
  },
  not_found: { status: 404, description: 'No such resource in this workspace.' },
  method_not_allowed: {
    status: 405,
    description: 'The path exists, but not for this method; `Allow` lists the methods it takes.',
  },
  job_not_cancellable: {
    status: 409,
    description: 'The job already completed or failed; `details[0].status` says which.',
  },
  job_not_retryable: {
    status: 409,
    description:
      'The job cannot be retried (or not partially): it is pending, running, completed without failed items, still stopping after a cancel, or its type has not opted in to `partialRetry`; the message says which, `details[0].status` is its status.',
  },
  idempotency_conflict: {
    status: 409,
    description: 'The Idempotency-Key was used before with a different request body.',
  },
  conflict: { status: 409, description: 'The request conflicts with the current state of the resource.' },
  unsupported_media_type: { status: 415, description: 'Request bodies must be application/json.' },
  payload_too_large: {
    status: 413,
    description: "The request body exceeds the server's size limit (`maxBodyBytes`, 1 MiB by default).",
  },
  rate_limited: {
    status: 429,
    description:
      'Too many requests for this key, or without a valid key from this address; retry after `Retry-After` seconds.',
  },
  too_many_streams: {
    status: 429,
    description:
      'This key, or this server, holds its maximum of open event streams; close one or retry after `Retry-After` seconds.',
  },
  store_unavailable: { status: 503, description: 'The database cannot be reached; retry later.' },
  shutting_down: { status: 503, description: 'The server is shutting down.' },
  internal: { status: 500, description: 'An unexpected server error; it is logged with the request id.' },
  // Programmer errors raised at definition time, never over HTTP.
  duplicate_job_type: { status: 500, description: 'Two job definitions share one type.' },
  unknown_category: { status: 500, description: 'A job definition names a category that is not configured.' },
  lease_lost: { status: 409, description: "A worker's lease on a job expired or was taken over." },
} as const satisfies Record<string, { status: number; description: string }>;

export type ErrorCode = keyof typeof ERROR_REGISTRY;

export interface ErrorDetail {
  path?: string;
  message: string;
  [key: string]: unknown;
}

export class LongrunError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: ErrorDetail[] | undefined;

  constructor(code: ErrorCode, message: string, opts: { details?: ErrorDetail[]; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.name = 'LongrunError';
    this.code = code;
    this.status = ERROR_REGISTRY[code].status;
    this.details = opts.details;
  }

  toJSON(): { error: { code: ErrorCode; message: string; details?: ErrorDetail[] } } {
    return {
      error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) },
    };
  }
}

export function isLongrunError(err: unknown, code?: ErrorCode): err is LongrunError {
  return err instanceof LongrunError && (code === undefined || err.code === code);
}
