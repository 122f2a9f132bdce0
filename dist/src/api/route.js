import { z } from 'zod';
import { LongrunError } from "../core/errors.js";
import { authenticate, forbidden, scopeAllows } from "./auth.js";
import { readJsonBody } from "./body.js";
import { validationError } from "./errors.js";
import { setResponseHeader } from "./headers.js";
import { spendToken } from "./rate-limit.js";
/** Identity function that infers the handler's types from the schemas. */
export function route(spec) {
    return spec;
}
/** What a route without a query or body schema accepts there: nothing, so a typo is a 400. */
const NOTHING = z.strictObject({});
function parse(schema, value, where) {
    if (!schema)
        return undefined;
    const res = schema.safeParse(value);
    if (!res.success)
        throw validationError(where, res.error.issues);
    return res.data;
}
/**
 * The query as one value per name. A name given twice (`?status=a&status=b`) is a 400 rather than
 * a silently dropped value: list parameters take comma lists, and which of two limits was meant
 * cannot be guessed. The common case (as many names as pairs) costs one split of the query string.
 */
function readQuery(c) {
    const query = c.req.query();
    const url = c.req.url;
    const mark = url.indexOf('?');
    if (mark < 0)
        return query;
    const pairs = url
        .slice(mark + 1)
        .split('&')
        .filter(Boolean).length;
    if (pairs === Object.keys(query).length)
        return query;
    const repeated = Object.entries(c.req.queries())
        .filter(([, values]) => values.length > 1)
        .map(([name]) => name);
    if (repeated.length === 0)
        return query;
    throw new LongrunError('invalid_input', `query parameter ${repeated.join(', ')} given more than once`, {
        details: repeated.map((path) => ({
            path,
            message: 'given more than once; pass one value or a comma list',
        })),
    });
}
async function authorize(c, deps, scope) {
    const auth = await authenticate(deps.longrun.store, c.req.header('authorization'), deps.keyCache);
    c.set('auth', auth);
    if (deps.limiter) {
        const spent = spendToken(deps.limiter, auth.keyId, (name, value) => setResponseHeader(c, name, value));
        if (spent)
            await spent;
    }
    if (!scopeAllows(auth.scope, scope))
        throw forbidden(auth.scope, scope);
    return auth;
}
/**
 * The methods each path takes, for a 405 with `Allow` where a route exists under another method
 * (`PUT /api/v1/jobs`). Hono answers HEAD with the GET route, so HEAD goes with GET.
 */
export function allowedMethods(routes) {
    const patterns = routes.map((r) => ({ method: r.method.toUpperCase(), test: pathPattern(r.path) }));
    return (path) => {
        const methods = patterns.filter((p) => p.test.test(path)).map((p) => p.method);
        if (methods.includes('GET'))
            methods.push('HEAD');
        return [...new Set(methods)].sort();
    };
}
/** `/api/v1/jobs/:id` → a regex taking one segment for `:id` and the rest literally. */
function pathPattern(path) {
    const parts = path
        .split('/')
        .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    return new RegExp(`^${parts.join('/')}$`);
}
export function registerRoutes(app, deps, routes) {
    for (const spec of routes) {
        app.on(spec.method.toUpperCase(), spec.path, async (c) => {
            c.set('route', spec.path);
            const auth = spec.scope === 'public' ? null : await authorize(c, deps, spec.scope);
            const params = parse(spec.params, c.req.param(), 'path');
            let query;
            if (spec.query)
                query = parse(spec.query, readQuery(c), 'query');
            // Probes and scrapers (the public routes) may carry cache-busters; they change nothing there.
            else if (spec.scope !== 'public' && c.req.url.includes('?'))
                parse(NOTHING, readQuery(c), 'query');
            let body;
            // A route without a body takes none, or an empty object (what some clients send on every
            // POST). GETs are not read at all: touching `c.req.raw` makes the Node adapter build a full
            // Request, a cost on the hot path, and Node gives a GET no body unless it declares one.
            if (spec.body || spec.method !== 'get') {
                const raw = await readJsonBody(c, deps.maxBodyBytes);
                body = parse(spec.body ?? NOTHING, raw === undefined ? {} : raw, 'body');
            }
            return spec.handler(c, { params, query, body, auth });
        });
    }
}
//# sourceMappingURL=route.js.map