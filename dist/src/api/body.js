import { LongrunError } from "../core/errors.js";
export function isJsonContentType(value) {
    return value !== undefined && /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(value.trim());
}
function tooLarge(maxBytes) {
    return new LongrunError('payload_too_large', `request body exceeds ${maxBytes} bytes`, {
        details: [{ message: `maximum body size is ${maxBytes} bytes`, limit: maxBytes }],
    });
}
async function readCapped(stream, maxBytes) {
    const chunks = [];
    let total = 0;
    const reader = stream.getReader();
    for (;;) {
        const { done, value } = await reader.read().catch((err) => {
            // The client aborted mid-body, or sent a broken chunked encoding: its request, not a bug.
            throw new LongrunError('malformed_request', 'the request body ended abnormally', { cause: err });
        });
        if (done)
            break;
        total += value.byteLength;
        if (total > maxBytes) {
            await reader.cancel().catch(() => { });
            throw tooLarge(maxBytes);
        }
        chunks.push(value);
    }
    return { total, chunks };
}
/**
 * How deep a body's arrays and objects may nest. `JSON.parse` takes any depth, but hashing an
 * idempotent request, storing the input and every recursive walk after it would overflow the stack
 * on a 1 MiB `[[[[…]]]]` and answer 500; no job input needs a hundred levels.
 */
export const MAX_JSON_DEPTH = 100;
/** The deepest nesting of `text`, counted without recursion (for JSON; other text gets a number too). */
export function jsonDepth(text) {
    let depth = 0;
    let max = 0;
    let inString = false;
    for (let i = 0; i < text.length; i++) {
        const ch = text.charCodeAt(i);
        if (inString) {
            // A backslash escapes the next character, which is then no quote.
            if (ch === 0x5c)
                i++;
            else if (ch === 0x22)
                inString = false;
        }
        else if (ch === 0x22)
            inString = true;
        else if (ch === 0x5b || ch === 0x7b) {
            depth++;
            if (depth > max)
                max = depth;
        }
        else if (ch === 0x5d || ch === 0x7d)
            depth--;
    }
    return max;
}
/**
 * The request's JSON body, or `undefined` when it carries none (no bytes at all). The body is read,
 * up to `maxBytes`, before its Content-Type is judged: `curl -X POST` sends no type and no body,
 * and that is a request without a body, not one of the wrong type.
 */
export async function readJsonBody(c, maxBytes) {
    const length = c.req.header('content-length');
    const declared = length === undefined ? null : Number(length);
    if (declared !== null && Number.isFinite(declared) && declared > maxBytes)
        throw tooLarge(maxBytes);
    const stream = c.req.raw.body;
    if (!stream || declared === 0)
        return undefined;
    const { total, chunks } = await readCapped(stream, maxBytes);
    if (total === 0)
        return undefined;
    if (!isJsonContentType(c.req.header('content-type'))) {
        throw new LongrunError('unsupported_media_type', 'request bodies must be JSON (Content-Type: application/json)', {
            details: [{ message: `got Content-Type: ${c.req.header('content-type') ?? '(none)'}` }],
        });
    }
    const text = Buffer.concat(chunks).toString('utf8');
    // Before parsing: JSON.parse would first build the 500,000 nested arrays of a 1 MiB `[[[[…`.
    if (jsonDepth(text) > MAX_JSON_DEPTH) {
        throw new LongrunError('invalid_input', `request body nests deeper than ${MAX_JSON_DEPTH} levels`, {
            details: [
                { path: 'body', message: `arrays and objects may nest at most ${MAX_JSON_DEPTH} levels deep` },
            ],
        });
    }
    try {
        return JSON.parse(text);
    }
    catch (err) {
        throw new LongrunError('invalid_json', `request body is not valid JSON: ${err.message}`);
    }
}
//# sourceMappingURL=body.js.map