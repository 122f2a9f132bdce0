/**
 * Requests Node's HTTP parser refuses before any route sees them (a broken request line, a header
 * with a control character, 16 KiB of headers, a request that never finishes) get the API's error
 * envelope too, instead of Node's bare `400 Bad Request` with no body. The connection is closed
 * after the answer: the parser cannot find the next request in what follows.
 *
 * ```ts
 * const server = serve({ fetch: app.fetch, port: 3000 });
 * answerClientErrors(server);
 * ```
 */
import type { Duplex } from 'node:stream';
import { LongrunError } from '../core/errors.ts';

type ParserErrorCode = 'headers_too_large' | 'request_timeout' | 'payload_too_large' | 'malformed_request';

function codeFor(err: NodeJS.ErrnoException): ParserErrorCode {
  if (err.code === 'HPE_HEADER_OVERFLOW') return 'headers_too_large';
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 'request_timeout';
  if (err.code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW') return 'payload_too_large';
  return 'malformed_request';
}

const MESSAGES: Record<ParserErrorCode, string> = {
  headers_too_large: 'request headers are too large',
  request_timeout: 'the request did not arrive in time',
  payload_too_large: 'chunk extensions are too large',
  malformed_request: 'the request is not valid HTTP/1.1',
};

/** The raw HTTP answer for a parser error, envelope included. */
function clientErrorResponse(err: NodeJS.ErrnoException): string {
  const code = codeFor(err);
  const e = new LongrunError(code, MESSAGES[code], {
    details: err.code ? [{ message: `parser error ${err.code}` }] : undefined,
  });
  const body = JSON.stringify({ error: { code: e.code, message: e.message, details: e.details } });
  return [
    `HTTP/1.1 ${e.status} ${e.code.replaceAll('_', ' ')}`,
    'Content-Type: application/json',
    'X-Content-Type-Options: nosniff',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

/** The one event this needs, so any of `@hono/node-server`'s server types fits. */
interface ClientErrorSource {
  on(event: 'clientError', listener: (err: NodeJS.ErrnoException, socket: Duplex) => void): unknown;
}

export function answerClientErrors(server: ClientErrorSource): void {
  server.on('clientError', (err, socket) => {
    // A reset connection has no one to answer, and once a response's head is out (Node's private
    // `_httpMessage._headerSent`) another one cannot be written into the middle of it.
    const inFlight = (socket as { _httpMessage?: { _headerSent?: boolean } })._httpMessage;
    if (err.code === 'ECONNRESET' || !socket.writable || inFlight?._headerSent) {
      socket.destroy();
      return;
    }
    // The server allows half-open sockets: without the destroy, a client that never closes would
    // keep this one.
    socket.end(clientErrorResponse(err), () => socket.destroy());
  });
}
