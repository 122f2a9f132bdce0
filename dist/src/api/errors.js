import { HTTPException } from 'hono/http-exception';
import { LongrunError } from "../core/errors.js";
export function errorBody(code, message, details) {
    return { error: { code, message, ...(details ? { details } : {}) } };
}
export function errorResponse(c, err, headers = {}) {
    return c.json(err.toJSON(), err.status, headers);
}
/** Zod issues → `invalid_input` naming each offending field (and the allowed values when known). */
export function validationError(where, issues) {
    const details = issues.map((i) => {
        const path = i.path.map(String).join('.');
        const d = { path: path || where, message: i.message };
        if (i.code === 'unrecognized_keys')
            d.message = `unknown field(s): ${i.keys.join(', ')}`;
        const allowed = i.params?.allowed;
        if (allowed !== undefined)
            d.allowed = allowed;
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
/** Errors that mean "the database is not there right now" rather than "this code is wrong". */
const UNAVAILABLE_CODES = new Set([
    'SQLITE_BUSY',
    'SQLITE_LOCKED',
    'SQLITE_CANTOPEN',
    'SQLITE_IOERR',
    'ECONNREFUSED',
    'ECONNRESET',
    'ETIMEDOUT',
    'ENOTFOUND',
    '57P01', // admin_shutdown
    '57P03', // cannot_connect_now
    '53300', // too_many_connections
]);
export function isStoreUnavailable(err) {
    if (!(err instanceof Error))
        return false;
    const code = err.code;
    if (typeof code === 'string' && UNAVAILABLE_CODES.has(code))
        return true;
    return /database connection is not open|Connection terminated|pool (?:is|was) (?:ended|closed)/i.test(err.message);
}
export function toLongrunError(err) {
    if (err instanceof LongrunError)
        return err;
    if (isStoreUnavailable(err)) {
        return new LongrunError('store_unavailable', 'the job store cannot be reached; retry later');
    }
    if (err instanceof HTTPException && err.status < 500) {
        // Hono raises these for malformed requests it parses itself (e.g. a bad URL encoding).
        return new LongrunError('invalid_input', err.message || 'malformed request');
    }
    return null;
}
/** What to answer for anything a handler threw, logged when it is the server's fault. */
export function errorAnswer(err, logger, req) {
    const known = toLongrunError(err);
    if (known) {
        if (known.status >= 500)
            logger.warn({ err, requestId: req.requestId }, known.message);
        const headers = known.code === 'store_unavailable' ? { 'Retry-After': '1' } : {};
        return { status: known.status, body: known.toJSON(), headers };
    }
    logger.error({ err, ...req }, 'unhandled error');
    return {
        status: 500,
        body: errorBody('internal', `internal error (request id ${req.requestId})`),
        headers: {},
    };
}
export function makeErrorHandler(logger) {
    return (err, c) => {
        const requestId = String(c.get('requestId') ?? '');
        const a = errorAnswer(err, logger, { requestId, method: c.req.method, path: c.req.path });
        return c.json(a.body, a.status, a.headers);
    };
}
//# sourceMappingURL=errors.js.map