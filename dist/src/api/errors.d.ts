/**
 * One place that turns anything thrown into the error envelope `{ error: { code, message, details? } }`.
 * Client mistakes arrive here as `LongrunError`s with a 4xx status; a database that cannot be
 * reached becomes 503 `store_unavailable`; everything else is a bug: 500 `internal`, logged with
 * the request id, and the body never carries a stack or the original message.
 */
import type { Context } from 'hono';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { type ErrorCode, type ErrorDetail, LongrunError } from '../core/errors.ts';
export declare function errorBody(code: ErrorCode, message: string, details?: ErrorDetail[]): {
    error: {
        details?: ErrorDetail[] | undefined;
        code: "invalid_input" | "invalid_json" | "malformed_request" | "request_timeout" | "headers_too_large" | "unknown_job_type" | "unauthorized" | "forbidden" | "not_found" | "method_not_allowed" | "job_not_cancellable" | "idempotency_conflict" | "conflict" | "unsupported_media_type" | "payload_too_large" | "rate_limited" | "store_unavailable" | "shutting_down" | "internal" | "duplicate_job_type" | "unknown_category" | "lease_lost";
        message: string;
    };
};
export declare function errorResponse(c: Context, err: LongrunError, headers?: Record<string, string>): Response;
/** Zod issues → `invalid_input` naming each offending field (and the allowed values when known). */
export declare function validationError(where: string, issues: z.core.$ZodIssue[]): LongrunError;
export declare function isStoreUnavailable(err: unknown): boolean;
export declare function toLongrunError(err: unknown): LongrunError | null;
export interface ErrorAnswer {
    status: number;
    body: ReturnType<typeof errorBody>;
    headers: Record<string, string>;
}
/** What to answer for anything a handler threw, logged when it is the server's fault. */
export declare function errorAnswer(err: unknown, logger: Logger, req: {
    requestId: string;
    method: string;
    path: string;
}): ErrorAnswer;
export declare function makeErrorHandler(logger: Logger): (err: unknown, c: Context) => Response;
//# sourceMappingURL=errors.d.ts.map