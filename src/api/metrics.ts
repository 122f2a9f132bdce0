/**
 * Prometheus metrics, one registry per app (two apps in one process, as in tests, do not collide).
 *
 * What is derived and how, so the numbers can be trusted:
 * - `longrun_jobs{workspace,status,category}`: the store's maintained counts.
 * - `longrun_jobs_finished_total`, `longrun_job_duration_seconds`, `longrun_job_queue_lag_seconds`:
 *   from the store's status events since this process started (at most `maxEventsPerScrape` per
 *   workspace per refresh, so a refresh stays cheap; a backlog is caught up over later ones). They
 *   therefore cover jobs run by *every* worker on the store, not only this process's. Queue lag is
 *   claim time minus the job's `runAt` (the time it became due).
 * - Those store-read series come from a snapshot. A scrape refreshes it only while the refresh
 *   budget allows (`RefreshBudget`: 2 at once, then one per 5 s): Prometheus scraping every 15 s or
 *   more always gets fresh figures, and a flood of scrapes costs the store a refresh every 5 s, not
 *   a round of queries per scrape. Concurrent scrapes share one refresh.
 * - `longrun_http_request_duration_seconds`: measured around every request, labelled by route
 *   pattern (never the raw path, which would explode cardinality).
 * - Node's default process metrics (event loop lag, heap, CPU).
 *
 * Under `longrun serve --http-processes N` a scrape reaching any process answers for all of them
 * (`renderSnapshots`): requests and process figures summed, the job series from the primary alone.
 */
import {
  AggregatorRegistry,
  Counter,
  collectDefaultMetrics,
  Gauge,
  Histogram,
  type MetricObjectWithValues,
  type MetricValue,
  Registry,
} from 'prom-client';
import type { Longrun } from '../engine/longrun.ts';
import { registerJobMetrics } from './metrics-jobs.ts';

export type MetricsSnapshot = MetricObjectWithValues<MetricValue<string>>[];

export interface ApiMetrics {
  registry: Registry;
  observeHttp(method: string, route: string, status: number, seconds: number): void;
  /** Catches up the event-derived series, then renders every metric. */
  render(): Promise<string>;
  /** The same as data, for `renderSnapshots` to add up across processes. */
  snapshot(): Promise<MetricsSnapshot>;
}

/**
 * `processOnly` leaves out what is read from the store (job counts, finished jobs, durations, queue
 * lag) and the worker gauges: an HTTP process of a cluster reports its requests, its writes and its
 * runtime, and the primary, which runs the workers, reports the rest once.
 */
export function createMetrics(
  longrun: Longrun,
  opts: {
    maxEventsPerScrape?: number;
    processOnly?: boolean;
    /** How often scrapes may read the store (default 2 at once, then one per 5 s; see `RefreshBudget`). */
    refresh?: Partial<RefreshBudgetOptions>;
  } = {},
): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const http = new Histogram({
    name: 'longrun_http_request_duration_seconds',
    help: 'HTTP request latency by route pattern',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const httpChildren = new Map<string, ReturnType<typeof http.labels>>();
  const jobs = opts.processOnly
    ? null
    : new RefreshBudget(registerJobMetrics(registry, longrun, opts.maxEventsPerScrape ?? 5_000).refresh, {
        ...DEFAULT_REFRESH,
        ...opts.refresh,
      });
  if (!opts.processOnly) registerWorkerMetrics(registry, longrun);
  let writesSeen = 0;
  new Counter({
    name: 'longrun_store_write_transactions_total',
    help: 'Write transactions this process committed to the store',
    registers: [registry],
    collect() {
      const now = longrun.monitor.writeTransactions();
      if (now > writesSeen) this.inc(now - writesSeen);
      writesSeen = now;
    },
  });

  return {
    registry,
    observeHttp(method, route, status, seconds) {
      // One labelled child per (method, route, status), kept: observing through a labels object
      // hashes it on every request.
      const key = `${method} ${route} ${status}`;
      let child = httpChildren.get(key);
      if (!child) {
        child = http.labels(method, route, String(status));
        httpChildren.set(key, child);
      }
      child.observe(seconds);
    },
    // Refresh before rendering: prom-client collects metrics concurrently, so a catch-up inside
    // one metric's collect() could land after the counters it feeds were already serialised.
    async render() {
      await jobs?.spend();
      return registry.metrics();
    },
    async snapshot() {
      await jobs?.spend();
      return registry.getMetricsAsJSON();
    },
  };
}

export interface RefreshBudgetOptions {
  /** Refreshes allowed back to back (default 2). */
  burst: number;
  /** Then one per this many ms (default 5,000). */
  everyMs: number;
  now: () => number;
}

const DEFAULT_REFRESH: RefreshBudgetOptions = { burst: 2, everyMs: 5_000, now: Date.now };

/**
 * Runs `refresh` when a scrape asks and the budget has a token (a bucket of `burst`, one back every
 * `everyMs`); otherwise the scrape renders the last snapshot. A refresh in progress is shared.
 */
export class RefreshBudget {
  private tokens: number;
  private at: number;
  private running: Promise<void> | null = null;

  constructor(
    private readonly refresh: () => Promise<void>,
    private readonly opts: RefreshBudgetOptions,
  ) {
    this.tokens = opts.burst;
    this.at = opts.now();
  }

  spend(): Promise<void> {
    if (this.running) return this.running;
    const now = this.opts.now();
    this.tokens = Math.min(this.opts.burst, this.tokens + (now - this.at) / this.opts.everyMs);
    this.at = now;
    if (this.tokens < 1) return Promise.resolve();
    this.tokens -= 1;
    this.running = this.refresh().finally(() => {
      this.running = null;
    });
    return this.running;
  }
}

/** The text of several processes' snapshots added up (counters and histograms summed). */
export function renderSnapshots(snapshots: MetricsSnapshot[]): Promise<string> {
  return AggregatorRegistry.aggregate(snapshots).metrics();
}

function registerWorkerMetrics(registry: Registry, longrun: Longrun): void {
  new Gauge({
    name: 'longrun_worker_running_jobs',
    help: 'Jobs this process is running now',
    registers: [registry],
    collect() {
      this.set(longrun.worker?.runningCount ?? 0);
    },
  });
  let processedSeen = 0;
  new Counter({
    name: 'longrun_worker_jobs_processed_total',
    help: 'Attempts this process finished (any outcome)',
    registers: [registry],
    collect() {
      const now = longrun.worker?.processed ?? processedSeen;
      if (now > processedSeen) this.inc(now - processedSeen);
      processedSeen = now;
    },
  });
}
