/**
 * The server behind `longrun serve`: on what bootstrap.ts starts (store, job types, engine, the
 * first-start admin key), the HTTP API and the worker pool, and a graceful `shutdown()`: stop
 * accepting connections, end SSE streams, let running jobs finish within the grace period (the rest
 * are released for another worker), close the store. The HTTP processes of `--http-processes`
 * build, listen and close their API with the same functions. Kept apart from the command so other
 * commands do not load the server's dependencies.
 */

import { existsSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { type AppOptions, createApp, type LongrunApp } from '../api/app.ts';
import { answerClientErrors } from '../api/client-errors.ts';
import { nodeRequestListener } from '../api/direct.ts';
import { DEFAULT_WORKSPACE } from '../core/job.ts';
import type { Longrun } from '../engine/longrun.ts';
import { bootstrap } from './bootstrap.ts';
import type { ServeConfig } from './config.ts';
import { describeDb } from './store.ts';

/**
 * The built dashboard: `dist/web` of the package, whether this file runs compiled (dist/src/cli/)
 * or from source through tsx (src/cli/, where `npm run build` has put it in dist/web as well).
 */
export const DASHBOARD_DIR = fileURLToPath(
  new URL(import.meta.url.endsWith('.ts') ? '../../dist/web/' : '../../web/', import.meta.url),
);

/** The options of `createApp` that come from this configuration: the dashboard and CORS. */
function configuredAppOptions(config: ServeConfig): {
  dashboard?: { dir: string };
  corsOrigins: string[];
} {
  return {
    ...(config.dashboard ? { dashboard: { dir: DASHBOARD_DIR } } : {}),
    corsOrigins: config.corsOrigins,
  };
}

/** Whether `/` serves the dashboard: it is on, and built (createApp warns when it is not). */
export function dashboardServed(config: ServeConfig): boolean {
  return config.dashboard && existsSync(join(DASHBOARD_DIR, 'index.html'));
}

/**
 * The API app of this configuration; aborting `shutdown` ends its event streams and turns
 * `/readyz` to 503. `overrides` are what a cluster's HTTP process shares with the primary.
 */
export function buildApp(
  longrun: Longrun,
  config: ServeConfig,
  logger: Logger,
  overrides: Pick<AppOptions, 'rateLimit' | 'metrics'> = {},
): { app: LongrunApp; shutdown: AbortController } {
  const shutdown = new AbortController();
  const app = createApp({
    longrun,
    logger,
    shutdown: shutdown.signal,
    rateLimit: config.rateLimit,
    ...overrides,
    ...configuredAppOptions(config),
  });
  return { app, shutdown };
}

export interface RunningServer {
  url: string;
  port: number;
  longrun: Longrun;
  adminKey: string | null;
  shutdown(): Promise<void>;
}

/** Serves `app` on the configured host and port, parser errors answered in the API's envelope. */
export async function listenApi(app: LongrunApp, config: ServeConfig) {
  const server = createServer(
    {
      // A client gets headersTimeout to send its headers and requestTimeout for the whole request
      // (body included); neither limits a response, so event streams live on. Node checks them
      // every connectionsCheckingInterval (30 s by default, which let a slow-header socket live 72 s).
      headersTimeout: config.headersTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
      connectionsCheckingInterval: 1_000,
      // Above the 5 s idle time of common load balancers' keep-alive pools is theirs to close first.
      keepAliveTimeout: 5_000,
    },
    nodeRequestListener(app, { hostname: config.host }),
  );
  // No inactivity timeout: an event stream is quiet between heartbeats on purpose.
  server.timeout = 0;
  server.maxConnections = config.maxConnections;
  answerClientErrors(server);
  server.listen(config.port, config.host);
  await new Promise<void>((res, rej) => {
    server.once('listening', () => res());
    server.once('error', rej);
  });
  return { server, port: (server.address() as AddressInfo).port };
}

/**
 * Stops accepting and closes idle connections; requests in flight may finish until `deadline`
 * settles, and whatever still hangs then is cut.
 */
export async function closeApi(server: HttpServer, deadline: Promise<unknown>): Promise<void> {
  const closed = new Promise<void>((res) => server.close(() => res()));
  if ('closeIdleConnections' in server) server.closeIdleConnections();
  await Promise.race([closed, deadline]);
  if ('closeAllConnections' in server) server.closeAllConnections();
  await closed;
}

/**
 * The worker pool, lease reaper and retention, unless `--workers 0`: an API process only, and
 * `longrun worker` processes on the same store run the jobs (and recover leases and apply
 * retention, which is why none of that starts here either).
 */
export function startWorkers(longrun: Longrun, config: ServeConfig, logger: Logger): void {
  if (config.workers === 0) return;
  longrun.start({
    retentionMs: config.retentionDays > 0 ? config.retentionDays * 86_400_000 : undefined,
    concurrency: config.workers,
    onError: (err, where) => logger.error({ err, where }, 'worker error'),
  });
}

export function urlOf(config: ServeConfig, port: number): string {
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  return `http://${host}:${port}`;
}

export async function startServer(config: ServeConfig, opts: { logger: Logger }): Promise<RunningServer> {
  if (config.httpProcesses > 1) {
    const { startCluster } = await import('./cluster-supervisor.ts');
    return startCluster(config, opts);
  }
  const { logger } = opts;
  const { store, longrun, examples, adminKey } = await bootstrap(config, logger, { adminKey: true });
  const { app, shutdown: shutdownController } = buildApp(longrun, config, logger);
  const { server, port } = await listenApi(app, config);
  const url = urlOf(config, port);

  startWorkers(longrun, config, logger);
  if (examples) {
    await examples.startExampleJobs(longrun, { workspaceId: DEFAULT_WORKSPACE });
  }
  logger.info(
    { url, db: describeDb(config.db), workers: config.workers, types: longrun.registry.types() },
    'serving',
  );

  let closing: Promise<void> | null = null;
  const shutdown = () => {
    closing ??= (async () => {
      logger.info('shutting down: no new connections, closing event streams, draining workers');
      shutdownController.abort();
      // In-flight requests have the workers' grace period too; whatever still hangs is cut.
      const drained = longrun.stop({ graceMs: config.graceMs });
      await closeApi(server, drained);
      await drained;
      await store.close();
      logger.info('stopped');
    })();
    return closing;
  };
  return { url, port, longrun, adminKey, shutdown };
}
