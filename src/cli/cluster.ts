/**
 * `longrun serve --http-processes N`: N processes serve the API on one port (node:cluster hands
 * each new connection to the next one), and the first process, the primary, runs the workers, the
 * lease reaper and retention, and serves no requests. One Node process answers on one core; this
 * is how the API uses the others.
 *
 * What stays whole across the processes, through the primary:
 * - store notifications: on SQLite each process's commits are relayed to the others, so an SSE
 *   stream in one process hears a job a worker in the primary is running, and the primary's workers
 *   hear a job created in an HTTP process, as promptly as in one process (PostgreSQL's
 *   LISTEN/NOTIFY crosses processes by itself, so its store takes no relay);
 * - the per-key rate limit: the buckets live in the primary, which lends tokens in small batches
 *   (api/rate-lease.ts), so N processes together allow what one would;
 * - `/metrics`: whichever process a scrape reaches answers with every process's series added up.
 *
 * An HTTP process that dies is replaced; on SIGTERM the primary tells every HTTP process to stop
 * accepting, end its SSE streams and finish its requests, while its own workers drain.
 */

import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import { createApp } from '../api/app.ts';
import { createMetrics, type MetricsSnapshot, renderSnapshots } from '../api/metrics.ts';
import { LeasedRateLimiter } from '../api/rate-lease.ts';
import { RateLimiter } from '../api/rate-limit.ts';
import { DEFAULT_WORKSPACE } from '../core/job.ts';
import { createLongrun } from '../engine/longrun.ts';
import type { NotificationRelay, StoreSignal } from '../store/types.ts';
import type { ServeConfig } from './config.ts';
import { IpcPeer, ipcOfParent, ipcOfWorker } from './ipc.ts';
import {
  bootstrapAdminKey,
  closeApi,
  configuredAppOptions,
  listenApi,
  loadJobTypes,
  type RunningServer,
  startWorkers,
  urlOf,
} from './server.ts';
import { exitAfter } from './signals.ts';
import { describeDb, openStore } from './store.ts';

const HTTP_PROCESS_ENV = 'LONGRUN_HTTP_PROCESS';
/** A process that does not answer a metrics call within this is left out of that scrape. */
const SNAPSHOT_TIMEOUT_MS = 2_000;
/** A crashed HTTP process is replaced after this pause, so one that cannot start does not spin. */
const RESPAWN_DELAY_MS = 1_000;
/** An HTTP process not listening by then is taken as failed (it loads job modules and opens the store). */
const START_TIMEOUT_MS = 60_000;

export function isHttpProcess(): boolean {
  return cluster.isWorker && process.env[HTTP_PROCESS_ENV] === '1';
}

/**
 * A `NotificationRelay` that sends at most one batch per turn of the event loop: a process
 * committing thousands of times a second costs the others one message per turn, not per commit.
 */
class SignalRelay implements NotificationRelay {
  private pending: StoreSignal[] = [];
  private readonly listeners = new Set<(signal: StoreSignal) => void>();

  constructor(private readonly send: (signals: StoreSignal[]) => void) {}

  publish(signal: StoreSignal): void {
    if (signal.name !== 'jobCancelled' && this.pending.some((p) => p.name === signal.name)) return;
    if (this.pending.length === 0) {
      setImmediate(() => {
        const batch = this.pending;
        this.pending = [];
        this.send(batch);
      });
    }
    this.pending.push(signal);
  }

  subscribe(deliver: (signal: StoreSignal) => void): () => void {
    this.listeners.add(deliver);
    return () => this.listeners.delete(deliver);
  }

  deliver(signals: StoreSignal[]): void {
    for (const signal of signals) for (const listener of this.listeners) listener(signal);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((r) => {
    timer = setTimeout(() => r(null), ms);
  });
  return Promise.race([promise.catch(() => null), timeout]).finally(() => clearTimeout(timer));
}

export async function startCluster(config: ServeConfig, opts: { logger: Logger }): Promise<RunningServer> {
  const { logger } = opts;
  const children = new Map<Worker, IpcPeer>();
  const relay = new SignalRelay((signals) => {
    for (const peer of children.values()) peer.tell('signals', signals);
  });
  const store = await openStore(config.db, { relay });
  const { examples, jobs } = await loadJobTypes(config, logger);
  const longrun = createLongrun({ store, jobs });
  const adminKey = await bootstrapAdminKey(store);
  const limiter = config.rateLimit === false ? null : new RateLimiter(config.rateLimit);
  const metrics = createMetrics(longrun);

  let started = false;
  let stopping = false;
  const fork = (): Promise<number> => {
    const worker = cluster.fork({ [HTTP_PROCESS_ENV]: '1' });
    const peer = new IpcPeer(ipcOfWorker(worker));
    children.set(worker, peer);
    peer.handle<StoreSignal[]>('signals', (signals) => {
      relay.deliver(signals);
      for (const [other, p] of children) if (other !== worker) p.tell('signals', signals);
    });
    peer.handle<{ key: string; want: number }>('borrow', ({ key, want }) =>
      limiter ? limiter.takeUpTo(key, want) : { granted: want, remaining: want, retryAfterS: 0 },
    );
    peer.handle<{ key: string; tokens: number }>('giveBack', ({ key, tokens }) =>
      limiter?.giveBack(key, tokens),
    );
    peer.handle('metrics', async () => {
      const others = await Promise.all(
        [...children.values()].map((p) =>
          withTimeout(p.call<MetricsSnapshot>('snapshot'), SNAPSHOT_TIMEOUT_MS),
        ),
      );
      return renderSnapshots([await metrics.snapshot(), ...others.filter((s) => s !== null)]);
    });
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

/** One HTTP process: the API on the shared port, no workers; resolves with its `shutdown`. */
export async function runHttpProcess(config: ServeConfig, logger: Logger): Promise<() => Promise<void>> {
  const peer = new IpcPeer(ipcOfParent());
  const relay = new SignalRelay((signals) => peer.tell('signals', signals));
  peer.handle<StoreSignal[]>('signals', (signals) => relay.deliver(signals));
  // The primary applied the migrations before it started this process.
  const store = await openStore(config.db, { relay, migrate: false });
  const { jobs } = await loadJobTypes(config, logger);
  const longrun = createLongrun({ store, jobs });
  const metrics = createMetrics(longrun, { processOnly: true });
  peer.handle('snapshot', () => metrics.snapshot());
  const limiter =
    config.rateLimit === false
      ? null
      : new LeasedRateLimiter(
          {
            borrow: (key, want) => peer.call('borrow', { key, want }),
            giveBack: (key, tokens) => peer.tell('giveBack', { key, tokens }),
          },
          // Small batches: tokens parked in one process are missing from the others until returned.
          { batch: Math.max(1, Math.floor(config.rateLimit.burst / (4 * config.httpProcesses))) },
        );
  const shutdownController = new AbortController();
  const app = createApp({
    longrun,
    logger,
    shutdown: shutdownController.signal,
    rateLimit: limiter ?? false,
    metrics: { ...metrics, render: () => peer.call<string>('metrics') },
    ...configuredAppOptions(config),
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
