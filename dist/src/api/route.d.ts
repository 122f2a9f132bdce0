/**
 * The route table. Each route declares its method, path, scope and the zod schemas of its path
 * params, query, body and responses once; `registerRoutes` turns that into Hono handlers that
 * authenticate, rate-limit, check the scope and validate before the handler runs, and
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
import { type AuthInfo } from './auth.ts';
import type { Scope } from './schemas.ts';
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
export interface RouteSpec<P extends Schema = Schema, Q extends Schema = Schema, B extends Schema = Schema, S extends RouteScope = RouteScope> {
    method: 'get' | 'post' | 'delete';
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
    handler(c: Context<ApiEnv>, req: RouteRequest<P, Q, B, S>): Response | Promise<Response>;
}
export type AnyRoute = RouteSpec;
/** Identity function that infers the handler's types from the schemas. */
export declare function route<P extends Schema, Q extends Schema, B extends Schema, S extends RouteScope>(spec: RouteSpec<P, Q, B, S>): RouteSpec<P, Q, B, S>;
/**
 * The methods each path takes, for a 405 with `Allow` where a route exists under another method
 * (`PUT /api/v1/jobs`). Hono answers HEAD with the GET route, so HEAD goes with GET.
 */
export declare function allowedMethods(routes: readonly AnyRoute[]): (path: string) => string[];
export declare function registerRoutes(app: Hono<ApiEnv>, deps: ApiDeps, routes: AnyRoute[]): void;
export {};
//# sourceMappingURL=route.d.ts.map