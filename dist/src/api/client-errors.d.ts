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
/** The one event this needs, so any of `@hono/node-server`'s server types fits. */
interface ClientErrorSource {
    on(event: 'clientError', listener: (err: NodeJS.ErrnoException, socket: Duplex) => void): unknown;
}
export declare function answerClientErrors(server: ClientErrorSource): void;
export {};
//# sourceMappingURL=client-errors.d.ts.map