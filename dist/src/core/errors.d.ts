/**
 * Every error Longrun reports, in one registry: a stable `code` clients can switch on and the HTTP
 * status the API answers with. Throw `new LongrunError('not_found', 'job abc not found')` anywhere;
 * the API turns it into `{ "error": { "code", "message", "details"? } }`.
 *
 * ```ts
 * throw new LongrunError('job_not_cancellable', 'job is completed', { details: [{ status: 'completed' }] });
 * ```
 */
export declare const ERROR_REGISTRY: {
    readonly invalid_input: {
        readonly status: 400;
        readonly description: "The request or job input failed validation; `details` lists each problem.";
    };
    readonly invalid_json: {
        readonly status: 400;
        readonly description: "The request body is not valid JSON.";
    };
    readonly malformed_request: {
        readonly status: 400;
        readonly description: "The request is not valid HTTP/1.1; the connection is closed.";
    };
    readonly request_timeout: {
        readonly status: 408;
        readonly description: "The request did not arrive in full in time.";
    };
    readonly headers_too_large: {
        readonly status: 431;
        readonly description: "The request headers exceed 16 KiB.";
    };
    readonly unknown_job_type: {
        readonly status: 400;
        readonly description: "No job type with that name is registered.";
    };
    readonly unauthorized: {
        readonly status: 401;
        readonly description: "Missing, malformed, unknown or revoked API key.";
    };
    readonly forbidden: {
        readonly status: 403;
        readonly description: "The API key's scope does not allow this operation.";
    };
    readonly not_found: {
        readonly status: 404;
        readonly description: "No such resource in this workspace.";
    };
    readonly method_not_allowed: {
        readonly status: 405;
        readonly description: "The path exists, but not for this method; `Allow` lists the methods it takes.";
    };
    readonly job_not_cancellable: {
        readonly status: 409;
        readonly description: "The job already completed or failed; `details[0].status` says which.";
    };
    readonly idempotency_conflict: {
        readonly status: 409;
        readonly description: "The Idempotency-Key was used before with a different request body.";
    };
    readonly conflict: {
        readonly status: 409;
        readonly description: "The request conflicts with the current state of the resource.";
    };
    readonly unsupported_media_type: {
        readonly status: 415;
        readonly description: "Request bodies must be application/json.";
    };
    readonly payload_too_large: {
        readonly status: 413;
        readonly description: "The request body exceeds 1 MiB.";
    };
    readonly rate_limited: {
        readonly status: 429;
        readonly description: "Too many requests for this key; retry after `Retry-After` seconds.";
    };
    readonly store_unavailable: {
        readonly status: 503;
        readonly description: "The database cannot be reached; retry later.";
    };
    readonly shutting_down: {
        readonly status: 503;
        readonly description: "The server is shutting down.";
    };
    readonly internal: {
        readonly status: 500;
        readonly description: "An unexpected server error; it is logged with the request id.";
    };
    readonly duplicate_job_type: {
        readonly status: 500;
        readonly description: "Two job definitions share one type.";
    };
    readonly unknown_category: {
        readonly status: 500;
        readonly description: "A job definition names a category that is not configured.";
    };
    readonly lease_lost: {
        readonly status: 409;
        readonly description: "A worker's lease on a job expired or was taken over.";
    };
};
export type ErrorCode = keyof typeof ERROR_REGISTRY;
export interface ErrorDetail {
    path?: string;
    message: string;
    [key: string]: unknown;
}
export declare class LongrunError extends Error {
    readonly code: ErrorCode;
    readonly status: number;
    readonly details: ErrorDetail[] | undefined;
    constructor(code: ErrorCode, message: string, opts?: {
        details?: ErrorDetail[];
        cause?: unknown;
    });
    toJSON(): {
        error: {
            code: ErrorCode;
            message: string;
            details?: ErrorDetail[];
        };
    };
}
export declare function isLongrunError(err: unknown, code?: ErrorCode): err is LongrunError;
//# sourceMappingURL=errors.d.ts.map