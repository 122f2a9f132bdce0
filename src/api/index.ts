/**
 * The Jobs API as a library (`import … from 'longrun/api'`): mount it in your own server under a
 * prefix, as a fetch handler (Hono, Bun, Deno, any `Request → Response` host) or as a Node request
 * listener (node:http, Express, Fastify). It serves a `Longrun` you created, with or without
 * workers running in the same process. docs/embedding.md has an example for each server.
 *
 * ```ts
 * import { createServer } from 'node:http';
 * import { createApiHandler, createApiKey } from 'longrun/api';
 *
 * const api = createApiHandler({ longrun, basePath: '/jobs-api' });
 * const { key } = await createApiKey(longrun.store, { workspace: 'default', scope: 'admin' });
 * createServer((req, res) => {
 *   if (req.url?.startsWith('/jobs-api/')) return api.listener(req, res);
 *   res.writeHead(404).end();
 * }).listen(3000);
 * ```
 */
import type { RequestListener } from 'node:http';
import { type AppOptions, createApp, type LongrunApp } from './app.ts';
import { nodeRequestListener } from './direct.ts';

export { API_VERSION, type AppOptions, createApp, type LongrunApp } from './app.ts';
export { createApiKey } from './auth.ts';
export type { ClientAddressPicker } from './auth-guard.ts';
export { answerClientErrors } from './client-errors.ts';
export { nodeRequestListener } from './direct.ts';
export type { RateLimitOptions } from './rate-limit.ts';
export type { Scope } from './schemas.ts';
export type { SseOptions } from './sse.ts';

export interface ApiHandler {
  /** Answers a WHATWG `Request` whose path starts with the `basePath`. */
  fetch(request: Request): Promise<Response>;
  /** The same API for node:http; `GET …/jobs/:id` takes a faster path that skips the Request object. */
  listener: RequestListener;
  /** The Hono app itself, for `app.request()` in tests or Hono-specific mounting. */
  app: LongrunApp;
}

export function createApiHandler(opts: AppOptions): ApiHandler {
  const app = createApp(opts);
  return {
    fetch: async (request) => app.fetch(request),
    listener: nodeRequestListener(app),
    app,
  };
}
