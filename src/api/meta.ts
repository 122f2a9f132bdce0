/** Job types, stats, the OpenAPI document, health, readiness and metrics. */
import { z } from 'zod';
import { LongrunError } from '../core/errors.ts';
import { JOB_STATUSES } from '../core/status.ts';
import { buildOpenApi } from './openapi.ts';
import { type AnyRoute, route } from './route.ts';
import { JobTypeSchema, StatsSchema, TimeseriesSchema } from './schemas.ts';
import type { ApiDeps } from './types.ts';

const PING_TIMEOUT_MS = 2_000;

/** Sixty bars an hour, twenty-four a day: what a small chart shows legibly. */
const TIMESERIES_WINDOWS = {
  '1h': { spanMs: 3_600_000, bucketMs: 60_000 },
  '24h': { spanMs: 86_400_000, bucketMs: 3_600_000 },
} as const;

async function pingWithTimeout(ping: () => Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('ping timed out')), PING_TIMEOUT_MS);
  });
  try {
    await Promise.race([ping(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** `allRoutes` is called lazily so the document includes every route, this file's too. */
export function metaRoutes(deps: ApiDeps, allRoutes: () => AnyRoute[], version: string): AnyRoute[] {
  const { longrun } = deps;
  let openapi: unknown = null;
  return [
    route({
      method: 'get',
      path: '/api/v1/job-types',
      tag: 'meta',
      scope: 'read',
      summary: 'Registered job types with the JSON Schema of their input, their limits and pause state',
      responses: { 200: { description: 'job types', schema: z.array(JobTypeSchema) } },
      handler: async (c, { auth }) => c.json(await longrun.flow.jobTypes({ workspaceId: auth.workspaceId })),
    }),
    route({
      method: 'get',
      path: '/api/v1/stats',
      tag: 'meta',
      scope: 'read',
      summary: 'Job counts per status and category (maintained counters, not a scan)',
      responses: { 200: { description: 'counts', schema: StatsSchema } },
      async handler(c, { auth }) {
        const rows = await longrun.counts({ workspaceId: auth.workspaceId });
        const zero = () => Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<string, number>;
        const byStatus = zero();
        const byCategory: Record<string, Record<string, number>> = {};
        for (const cat of longrun.registry.categories) byCategory[cat] = zero();
        let total = 0;
        for (const r of rows) {
          byStatus[r.status] = (byStatus[r.status] ?? 0) + r.count;
          byCategory[r.category] ??= zero();
          const cat = byCategory[r.category]!;
          cat[r.status] = (cat[r.status] ?? 0) + r.count;
          total += r.count;
        }
        return c.json({ total, byStatus, byCategory });
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/stats/timeseries',
      tag: 'meta',
      scope: 'read',
      summary: 'Jobs finished per time bucket (completed, failed, cancelled) over the last hour or day',
      description:
        '`window=1h` gives one-minute buckets, `24h` one-hour buckets; only buckets with finished jobs ' +
        'are listed. Read from an index on the finish time: the cost grows with the jobs finished in the window.',
      query: z.strictObject({ window: z.enum(['1h', '24h']).optional().describe('default 1h') }),
      responses: { 200: { description: 'buckets, oldest first', schema: TimeseriesSchema } },
      async handler(c, { query, auth }) {
        const window = query.window ?? '1h';
        const { spanMs, bucketMs } = TIMESERIES_WINDOWS[window];
        const since = Math.floor((Date.now() - spanMs) / bucketMs) * bucketMs;
        const buckets = await longrun.monitor.timeseries({ workspaceId: auth.workspaceId, since, bucketMs });
        return c.json({ window, bucketMs, since, buckets });
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/openapi.json',
      tag: 'meta',
      scope: 'read',
      summary: 'This document',
      responses: { 200: { description: 'OpenAPI 3.1' } },
      handler(c) {
        openapi ??= buildOpenApi(allRoutes(), { version, basePath: deps.basePath });
        return c.json(openapi);
      },
    }),
    route({
      method: 'get',
      path: '/healthz',
      tag: 'ops',
      scope: 'public',
      summary: 'Liveness: the process serves HTTP',
      responses: { 200: { description: 'alive', schema: z.object({ status: z.literal('ok') }) } },
      handler: (c) => c.json({ status: 'ok' as const }),
    }),
    route({
      method: 'get',
      path: '/readyz',
      tag: 'ops',
      scope: 'public',
      summary: 'Readiness: the store answers and the server is not shutting down',
      responses: {
        200: { description: 'ready', schema: z.object({ status: z.literal('ready'), store: z.string() }) },
        503: { description: 'store_unavailable or shutting_down' },
      },
      async handler(c) {
        if (deps.shutdown.aborted) throw new LongrunError('shutting_down', 'the server is shutting down');
        try {
          await pingWithTimeout(() => longrun.monitor.ping());
        } catch (err) {
          deps.logger.warn({ err }, 'readiness check failed');
          throw new LongrunError('store_unavailable', 'the job store does not answer');
        }
        return c.json({ status: 'ready' as const, store: longrun.monitor.storeKind });
      },
    }),
    route({
      method: 'get',
      path: '/metrics',
      tag: 'ops',
      // The series name every workspace with its job counts: the operator's, not a tenant's.
      scope: 'admin',
      summary: "Prometheus metrics; an admin key of the operator's workspace (`default`)",
      description:
        'The job series are read from the store at most twice back to back and then once every 5 s, ' +
        'however often it is scraped. Scrapers may add any query parameter.',
      // Scrapers add parameters of their own (cache-busters, Prometheus `params`); none means anything.
      query: z.looseObject({}),
      responses: {
        200: { description: 'Prometheus text format', contentType: 'text/plain' },
        403: { description: 'not an admin key, or an admin key of another workspace' },
      },
      async handler(c, { auth }) {
        if (auth.workspaceId !== deps.metricsWorkspace)
          throw new LongrunError(
            'forbidden',
            `metrics cover every workspace: they need an admin key of workspace "${deps.metricsWorkspace}"`,
            {
              details: [
                { message: `required workspace: ${deps.metricsWorkspace}`, workspace: auth.workspaceId },
              ],
            },
          );
        const text = await deps.metrics.render();
        return c.body(text, 200, { 'Content-Type': deps.metrics.registry.contentType });
      },
    }),
  ];
}
