/**
 * One HTTP process of `longrun serve --http-processes N` (the primary is cluster-supervisor.ts):
 * the API on the shared port and no workers. Its notifications, rate-limit tokens and `/metrics`
 * go through the primary (cluster-relay.ts, cluster-tokens.ts, cluster-metrics.ts).
 */
import cluster from 'node:cluster';
import type { Logger } from 'pino';
import { bootstrap } from './bootstrap.ts';
import { processMetrics } from './cluster-metrics.ts';
import { childRelay } from './cluster-relay.ts';
import { borrowTokens } from './cluster-tokens.ts';
import type { ServeConfig } from './config.ts';
import { IpcPeer, ipcOfParent } from './ipc.ts';
import { buildApp, closeApi, listenApi } from './server.ts';
import { exitAfter } from './signals.ts';

/** Set by the primary on the processes it forks. */
export const HTTP_PROCESS_ENV = 'LONGRUN_HTTP_PROCESS';

export function isHttpProcess(): boolean {
  return cluster.isWorker && process.env[HTTP_PROCESS_ENV] === '1';
}

/** Starts this HTTP process and tells the primary its port; resolves with its `shutdown`. */
export async function runHttpProcess(config: ServeConfig, logger: Logger): Promise<() => Promise<void>> {
  const peer = new IpcPeer(ipcOfParent());
  const relay = childRelay(peer);
  // The primary applied the migrations before it started this process.
  const { store, longrun } = await bootstrap(config, logger, { relay, migrate: false });
  const metrics = processMetrics(peer, longrun);
  const limiter = borrowTokens(peer, config);
  const { app, shutdown: shutdownController } = buildApp(longrun, config, logger, {
    rateLimit: limiter ?? false,
    metrics,
  });
  const { server, port } = await listenApi(app, config);

  let closing: Promise<void> | null = null;
  const shutdown = () => {
    closing ??= (async () => {
      shutdownController.abort();
      await closeApi(server, new Promise((r) => setTimeout(r, config.graceMs).unref()));
      limiter?.close();
      await store.close();
    })();
    return closing;
  };
  peer.handle('shutdown', () => exitAfter(logger, shutdown()));
  // No handler for a vanished primary: node:cluster ends a worker whose IPC channel closes.
  peer.tell('listening', port);
  return shutdown;
}
