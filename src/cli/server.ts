/**
 * The server behind `longrun serve`: store, job types (examples and user modules), the first-start
 * admin key, the HTTP API and the worker pool, and a graceful `shutdown()`: stop accepting
 * connections, end SSE streams, let running jobs finish within the grace period (the rest are
 * released for another worker), close the store. Kept apart from the command so other commands
 * do not load the server's dependencies.
 */

import { existsSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Logger } from 'pino';
import { createApp, type LongrunApp } from '../api/app.ts';
import { createApiKey } from '../api/auth.ts';
import { answerClientErrors } from '../api/client-errors.ts';
import { nodeRequestListener } from '../api/direct.ts';
import { DEFAULT_WORKSPACE } from '../core/job.ts';
import type { AnyJobDefinition } from '../engine/define.ts';
import { createLongrun, type Longrun } from '../engine/longrun.ts';
import type { Store } from '../store/types.ts';
import type { ServeConfig } from './config.ts';
import { describeDb, openStore } from './store.ts';

/**
 * The built dashboard: `dist/web` of the package, whether this file runs compiled (dist/src/cli/)
 * or from source through tsx (src/cli/, where `npm run build` has put it in dist/web as well).
 */
export const DASHBOARD_DIR = fileURLToPath(
  new URL(import.meta.url.endsWith('.ts') ? '../../dist/web/' : '../../web/', import.meta.url),
);

/** The options of `createApp` that come from this configuration: the dashboard and CORS. */
export function configuredAppOptions(config: ServeConfig): {
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

export interface ExamplesModule {
  exampleJobs: AnyJobDefinition[];
  startExampleJobs(longrun: Longrun, opts?: { workspaceId?: string }): Promise<void>;
}

function isJobDefinition(v: unknown): v is AnyJobDefinition {
  return typeof v === 'object' && v !== null && 'type' in v && 'run' in v && typeof v.run === 'function';
}

/**
 * Why a job module did not load, in words that say what to do. Node runs `.js` and `.mjs`; a `.ts`
 * module needs Node's type stripping (22.6+ with `--experimental-strip-types`, on by default from
 * 23.6) or tsx (`NODE_OPTIONS="--import tsx"`).
 */
function jobModuleError(path: string, err: unknown): Error {
  const code = (err as { code?: string } | null)?.code;
  if (code === 'ERR_UNKNOWN_FILE_EXTENSION' && /\.[mc]?ts$/.test(path)) {
    return new Error(
      `cannot load the TypeScript job module ${path}: Node ${process.version} does not run TypeScript here. ` +
        'Use Node 22.6 or newer with --experimental-strip-types (the default from 23.6), run through tsx ' +
        `(NODE_OPTIONS="--import tsx" longrun …), or compile it to .js`,
      { cause: err },
    );
  }
  if (code === 'ERR_MODULE_NOT_FOUND' && String((err as Error).message).includes(resolve(path)))
    return new Error(`job module ${path} does not exist (looked for ${resolve(path)})`, { cause: err });
  return new Error(`job module ${path} failed to load: ${(err as Error).message}`, { cause: err });
}

/** Loads job definitions from user modules: any exported array of definitions (or a single one). */
export async function loadJobModules(paths: string[]): Promise<AnyJobDefinition[]> {
  const out: AnyJobDefinition[] = [];
  for (const p of paths) {
    let mod: Record<string, unknown>;
    try {
      mod = (await import(pathToFileURL(resolve(p)).href)) as Record<string, unknown>;
    } catch (err) {
      throw jobModuleError(p, err);
    }
    for (const value of Object.values(mod)) {
      if (Array.isArray(value) && value.every(isJobDefinition)) out.push(...value);
      else if (isJobDefinition(value)) out.push(value);
    }
  }
  // A module may export both an array and its members: register each type once.
  return [...new Map(out.map((d) => [d.type, d])).values()];
}

export async function loadExamples(logger: Logger): Promise<ExamplesModule | null> {
  try {
    return (await import('../../examples/index.ts')) as ExamplesModule;
  } catch (err) {
    logger.warn({ err }, 'example job types not available; continuing without them');
    return null;
  }
}

/** First start: a `default` workspace with one admin key, returned (and so printed) once. */
export async function bootstrapAdminKey(store: Store): Promise<string | null> {
  const ws = await store.workspaceEnsure({ name: DEFAULT_WORKSPACE });
  // Also covers a crash between creating the workspace and its key on an earlier start.
  const keys = ws.created ? [] : await store.apiKeyList({ workspaceId: DEFAULT_WORKSPACE });
  if (keys.length > 0) return null;
  const { key } = await createApiKey(store, {
    workspace: DEFAULT_WORKSPACE,
    scope: 'admin',
    name: 'bootstrap admin',
  });
  return key;
}

export interface RunningServer {
  url: string;
  port: number;
  longrun: Longrun;
  adminKey: string | null;
  shutdown(): Promise<void>;
}

/** The example types (unless `--no-examples`) and those of `--jobs` modules. */
export async function loadJobTypes(
  config: ServeConfig,
  logger: Logger,
): Promise<{ examples: ExamplesModule | null; jobs: AnyJobDefinition[] }> {
  const examples = config.examples ? await loadExamples(logger) : null;
  return { examples, jobs: [...(examples?.exampleJobs ?? []), ...(await loadJobModules(config.jobs))] };
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
    const { startCluster } = await import('./cluster.ts');
    return startCluster(config, opts);
  }
  const { logger } = opts;
  const store = await openStore(config.db);
  const { examples, jobs } = await loadJobTypes(config, logger);
  const longrun = createLongrun({ store, jobs });
  const adminKey = await bootstrapAdminKey(store);

  const shutdownController = new AbortController();
  const app = createApp({
    longrun,
    logger,
    shutdown: shutdownController.signal,
    rateLimit: config.rateLimit,
    ...configuredAppOptions(config),
  });
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
