/**
 * The route table. Each route declares its method, path, scope and the zod schemas of its path
 * params, query, body and responses once; `registerRoutes` turns that into Hono handlers that
 * authenticate, rate-limit, check the scope (the pipeline's steps, pipeline.ts) and validate before
 * the handler runs, plus the 405s of each path's other methods; and
 * `buildOpenApi` (openapi.ts) turns the same declarations into the OpenAPI document.
 *
 * ```ts
 * route({
 *   method: 'get', path: '/api/v1/jobs/:id', scope: 'read', summary: 'Get a job',
 *   params: IdParams, responses: { 200: { description: 'the job', schema: JobDetailSchema } },
 *   handler: async (c, { params, auth }) => c.json(await getJob(params.id, auth)),
 * });
 * ```
 */
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { LongrunError } from '../core/errors.ts';
import { type AuthInfo, authenticate } from './auth.ts';
import type { GuardedAttempt } from './auth-guard.ts';
import { readJsonBody } from './body.ts';
import { errorResponse, validationError } from './errors.ts';
import { setResponseHeader } from './headers.ts';
import { admit, routeHeaders, type SetHeader } from './pipeline.ts';
import type { Scope } from './schemas.ts';
import { assertSameOrigin, authenticateSession, hasSessionCookie } from './session-auth.ts';
import type { ApiDeps, ApiEnv } from './types.ts';

type Schema = z.ZodType | undefined;
type Out<S extends Schema> = S extends z.ZodType ? z.output<S> : undefined;
export type RouteScope = Scope | 'public';

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  /** Default `application/json`. */
  contentType?: string;
  headers?: Record<string, string>;
}

export interface RouteRequest<P extends Schema, Q extends Schema, B extends Schema, S extends RouteScope> {
  params: Out<P>;
  query: Out<Q>;
  body: Out<B>;
  auth: S extends 'public' ? null : AuthInfo;
}

export interface RouteSpec<
  P extends Schema = Schema,
  Q extends Schema = Schema,
  B extends Schema = Schema,
  S extends RouteScope = RouteScope,
> {
  method: 'get' | 'post' | 'patch' | 'delete';
  /** Hono syntax (`/api/v1/jobs/:id`). */
  path: string;
  summary: string;
  description?: string;
  tag: string;
  scope: S;
  params?: P;
  query?: Q;
  body?: B;
  /** Request headers the route reads, documented as header parameters. */
  headers?: Record<string, string>;
  responses: Record<number, ResponseSpec>;
  // Method syntax on purpose: it makes the parameter bivariant so routes with different schemas
  // fit one table without casts.
  handler(c: Context<ApiEnv>, req: RouteRequest<P, Q, B, S>): Response | Promise<Response>;
}

export type AnyRoute = RouteSpec;

/** Identity function that infers the handler's types from the schemas. */
export function route<P extends Schema, Q extends Schema, B extends Schema, S extends RouteScope>(
  spec: RouteSpec<P, Q, B, S>,
): RouteSpec<P, Q, B, S> {
  return spec;
}

/** What a route without a query or body schema accepts there: nothing, so a typo is a 400. */
const NOTHING = z.strictObject({});

function parse<S extends Schema>(schema: S, value: unknown, where: string): Out<S> {
  if (!schema) return undefined as Out<S>;
  const res = schema.safeParse(value);
  if (!res.success) throw validationError(where, res.error.issues);
  return res.data as Out<S>;
}

/**
 * The query as one value per name. A name given twice (`?status=a&status=b`) is a 400 rather than
 * a silently dropped value: list parameters take comma lists, and which of two limits was meant
 * cannot be guessed. The common case (as many names as pairs) costs one split of the query string.
 */
function readQuery(c: Context<ApiEnv>): Record<string, string> {
  const query = c.req.query();
  const url = c.req.url;
  const mark = url.indexOf('?');
  if (mark < 0) return query;
  const pairs = url
    .slice(mark + 1)
    .split('&')
    .filter(Boolean).length;
  if (pairs === Object.keys(query).length) return query;
  const repeated = Object.entries(c.req.queries())
    .filter(([, values]) => values.length > 1)
    .map(([name]) => name);
  if (repeated.length === 0) return query;
  throw new LongrunError('invalid_input', `query parameter ${repeated.join(', ')} given more than once`, {
    details: repeated.map((path) => ({
      path,
      message: 'given more than once; pass one value or a comma list',
    })),
  });
}

/**
 * What the auth guard (auth-guard.ts) needs of a request: its address and a way to set Retry-After.
 * The address is worked out only if the guard asks, which a key the cache holds never makes it do.
 */
export function guardedAttempt(c: Context<ApiEnv>, deps: ApiDeps): GuardedAttempt {
  let address: string | undefined;
  return {
    guard: deps.guard,
    get address() {
      address ??= deps.clientAddress(c);
      return address;
    },
    setHeader: (name, value) => setResponseHeader(c, name, value),
  };
}

/** The Bearer key, or else the dashboard's session cookie (session.ts), whose writes must be same-origin. */
async function authorize(c: Context<ApiEnv>, deps: ApiDeps, scope: Scope, set: SetHeader): Promise<AuthInfo> {
  const header = c.req.header('authorization');
  let auth: AuthInfo;
  if (header === undefined && hasSessionCookie(c)) {
    auth = await authenticateSession(c, deps, guardedAttempt(c, deps));
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') assertSameOrigin(c);
  } else {
    auth = await authenticate(deps.longrun.credentials, header, deps.keyCache, guardedAttempt(c, deps));
  }
  c.set('auth', auth);
  const admitted = admit(deps, auth, scope, set);
  if (admitted) await admitted;
  return auth;
}

export function registerRoutes(app: Hono<ApiEnv>, deps: ApiDeps, routes: AnyRoute[]): void {
  for (const spec of routes) {
    app.on(spec.method.toUpperCase(), spec.path, async (c) => {
      c.set('route', spec.path);
      const set: SetHeader = (name, value) => setResponseHeader(c, name, value);
      routeHeaders(spec.scope, set);
      const auth = spec.scope === 'public' ? null : await authorize(c, deps, spec.scope, set);
      const params = parse(spec.params, c.req.param(), 'path');
      let query: unknown;
      if (spec.query) query = parse(spec.query, readQuery(c), 'query');
      // Probes and scrapers (the public routes) may carry cache-busters; they change nothing there.
      else if (spec.scope !== 'public' && c.req.url.includes('?')) parse(NOTHING, readQuery(c), 'query');
      let body: unknown;
      // A route without a body takes none, or an empty object (what some clients send on every
      // POST). GETs are not read at all: touching `c.req.raw` makes the Node adapter build a full
      // Request, a cost on the hot path, and Node gives a GET no body unless it declares one.
      if (spec.body || spec.method !== 'get') {
        const raw = await readJsonBody(c, deps.maxBodyBytes);
        body = parse(spec.body ?? NOTHING, raw === undefined ? {} : raw, 'body');
      }
      return spec.handler(c, { params, query, body, auth } as RouteRequest<
        Schema,
        Schema,
        Schema,
        RouteScope
      >);
    });
  }
  registerNotAllowed(app, routes);
}

/**
 * A path the table serves answers any other method with 405 and `Allow`, before any key is looked
 * at. Registered after the routes, on Hono's own router: the paths are matched in one place. Hono
 * answers HEAD with the GET route, so HEAD goes with GET.
 */
function registerNotAllowed(app: Hono<ApiEnv>, routes: readonly AnyRoute[]): void {
  const methods = new Map<string, Set<string>>();
  for (const r of routes) {
    const set = methods.get(r.path) ?? new Set<string>();
    set.add(r.method.toUpperCase());
    if (r.method === 'get') set.add('HEAD');
    methods.set(r.path, set);
  }
  for (const [path, allowed] of methods) {
    const allow = [...allowed].sort().join(', ');
    app.all(path, (c) => {
      const err = new LongrunError('method_not_allowed', `${c.req.method} is not allowed on ${c.req.path}`, {
        details: [{ path: 'method', message: `allowed: ${allow}` }],
      });
      return errorResponse(c, err, { Allow: allow });
    });
  }
}
