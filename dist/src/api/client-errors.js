import { LongrunError } from "../core/errors.js";
function codeFor(err) {
    if (err.code === 'HPE_HEADER_OVERFLOW')
        return 'headers_too_large';
    if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT')
        return 'request_timeout';
    if (err.code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW')
        return 'payload_too_large';
    return 'malformed_request';
}
const MESSAGES = {
    headers_too_large: 'request headers are too large',
    request_timeout: 'the request did not arrive in time',
    payload_too_large: 'chunk extensions are too large',
    malformed_request: 'the request is not valid HTTP/1.1',
};
/** The raw HTTP answer for a parser error, envelope included. */
function clientErrorResponse(err) {
    const code = codeFor(err);
    const e = new LongrunError(code, MESSAGES[code], {
        details: err.code ? [{ message: `parser error ${err.code}` }] : undefined,
    });
    const body = JSON.stringify({ error: { code: e.code, message: e.message, details: e.details } });
    return [
        `HTTP/1.1 ${e.status} ${e.code.replaceAll('_', ' ')}`,
        'Content-Type: application/json',
        `Content-Length: ${Buffer.byteLength(body)}`,
        'Connection: close',
        '',
        body,
    ].join('\r\n');
}
export function answerClientErrors(server) {
    server.on('clientError', (err, socket) => {
        // A reset connection has no one to answer, and once a response's head is out (Node's private
        // `_httpMessage._headerSent`) another one cannot be written into the middle of it.
        const inFlight = socket._httpMessage;
        if (err.code === 'ECONNRESET' || !socket.writable || inFlight?._headerSent) {
            socket.destroy();
            return;
        }
        // The server allows half-open sockets: without the destroy, a client that never closes would
        // keep this one.
        socket.end(clientErrorResponse(err), () => socket.destroy());
    });
}
//# sourceMappingURL=client-errors.js.map