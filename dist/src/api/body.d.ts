/**
 * Request bodies: JSON only, at most `maxBytes`, read with a running byte count so a client that
 * lies in `Content-Length` (or sends none, chunked) still cannot make the server buffer more.
 */
import type { Context } from 'hono';
export declare function isJsonContentType(value: string | undefined): boolean;
/**
 * How deep a body's arrays and objects may nest. `JSON.parse` takes any depth, but hashing an
 * idempotent request, storing the input and every recursive walk after it would overflow the stack
 * on a 1 MiB `[[[[…]]]]` and answer 500; no job input needs a hundred levels.
 */
export declare const MAX_JSON_DEPTH = 100;
/** The deepest nesting of `text`, counted without recursion (for JSON; other text gets a number too). */
export declare function jsonDepth(text: string): number;
/**
 * The request's JSON body, or `undefined` when it carries none (no bytes at all). The body is read,
 * up to `maxBytes`, before its Content-Type is judged: `curl -X POST` sends no type and no body,
 * and that is a request without a body, not one of the wrong type.
 */
export declare function readJsonBody(c: Context, maxBytes: number): Promise<unknown>;
//# sourceMappingURL=body.d.ts.map