/**
 * `longrun serve --http-processes N`: N processes serve the API on one port (node:cluster hands
 * each new connection to the next one), and the first process, the primary, runs the workers, the
 * lease reaper and retention, and serves no requests. One Node process answers on one core; this
 * is how the API uses the others.
 *
 * This file is the primary: it starts the HTTP processes (cluster-http.ts), replaces one that dies,
 * and on SIGTERM tells every HTTP process to stop accepting, end its SSE streams and finish its
 * requests while its own workers drain. What stays whole across the processes goes through it:
 * store notifications (cluster-relay.ts), the per-key rate limit (cluster-tokens.ts) and
 * `/metrics` (cluster-metrics.ts).
 */

import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import { createMetrics } from '../api/metrics.ts';
import { DEFAULT_WORKSPACE } from '../core/job.ts';
import { bootstrap } from './bootstrap.ts';
import { HTTP_PROCESS_ENV } from './cluster-http.ts';
import { sumMetrics } from './cluster-metrics.ts';
import { primaryRelay, relayFrom } from './cluster-relay.ts';
import { lendTokens, tokenBuckets } from './cluster-tokens.ts';
import type { ServeConfig } from './config.ts';
import { IpcPeer, ipcOfWorker } from './ipc.ts';
import { type RunningServer, startWorkers, urlOf } from './server.ts';
import { describeDb } from './store.ts';

/** A crashed HTTP process is replaced after this pause, so one that cannot start does not spin. */
const RESPAWN_DELAY_MS = 1_000;
/** An HTTP process not listening by then is taken as failed (it loads job modules and opens the store). */
const START_TIMEOUT_MS = 60_000;

export async function startCluster(config: ServeConfig, opts: { logger: Logger }): Promise<RunningServer> {
  const { logger } = opts;
  const children = new Map<Worker, IpcPeer>();
  const relay = primaryRelay(children);
  const { store, longrun, examples, adminKey } = await bootstrap(config, logger, { relay, adminKey: true });
  const buckets = tokenBuckets(config);
  const metrics = createMetrics(longrun);

  let started = false;
  let stopping = false;
  const fork = (): Promise<number> => {
    const worker = cluster.fork({ [HTTP_PROCESS_ENV]: '1' });
    const peer = new IpcPeer(ipcOfWorker(worker));
    children.set(worker, peer);
    relayFrom(worker, peer, relay, children);
    lendTokens(peer, buckets);
    sumMetrics(peer, metrics, children);
    return new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`an HTTP process was not listening after ${START_TIMEOUT_MS / 1000} s`));
        worker.process.kill('SIGKILL');
      }, START_TIMEOUT_MS);
      peer.handle<number>('listening', (port) => {
        clearTimeout(timer);
        resolve(port);
      });
      worker.on('exit', (code, signal) => {
        clearTimeout(timer);
        children.delete(worker);
        peer.disconnected();
        reject(new Error(`an HTTP process exited before it was listening (code ${code}, signal ${signal})`));
        if (!started || stopping) return;
        logger.error({ code, signal }, 'an HTTP process exited; starting another');
        setTimeout(() => {
          if (!stopping) fork().catch((err: unknown) => logger.error({ err }, 'HTTP process did not start'));
        }, RESPAWN_DELAY_MS);
      });
    });
  };

  let port: number;
  try {
    [port = 0] = await Promise.all(Array.from({ length: config.httpProcesses }, fork));
  } catch (err) {
    stopping = true;
    for (const worker of children.keys()) worker.process.kill('SIGKILL');
    await store.close();
    throw err;
  }
  started = true;
  const url = urlOf(config, port);
  startWorkers(longrun, config, logger);
  if (examples) await examples.startExampleJobs(longrun, { workspaceId: DEFAULT_WORKSPACE });
  logger.info(
    {
      url,
      db: describeDb(config.db),
      workers: config.workers,
      httpProcesses: config.httpProcesses,
      types: longrun.registry.types(),
    },
    'serving',
  );

  let closing: Promise<void> | null = null;
  const shutdown = () => {
    closing ??= (async () => {
      stopping = true;
      logger.info('shutting down: HTTP processes stop accepting and end their streams, workers drain');
      const exited = [...children.keys()].map(
        (w) => new Promise<void>((r) => (w.isDead() ? r() : w.once('exit', () => r()))),
      );
      for (const peer of children.values()) peer.tell('shutdown');
      // An HTTP process has the grace period for its requests; past it (and a margin) it is killed.
      const kill = setTimeout(() => {
        for (const w of children.keys()) w.process.kill('SIGKILL');
      }, config.graceMs + 5_000);
      await Promise.all([...exited, longrun.stop({ graceMs: config.graceMs })]);
      clearTimeout(kill);
      await store.close();
      logger.info('stopped');
    })();
    return closing;
  };
  return { url, port, longrun, adminKey, shutdown };
}
