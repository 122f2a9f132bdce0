/**
 * Prometheus metrics, one registry per app (two apps in one process, as in tests, do not collide).
 *
 * What is derived and how, so the numbers can be trusted:
 * - `longrun_jobs{workspace,status,category}`: the store's maintained counts, read at scrape time.
 * - `longrun_jobs_finished_total`, `longrun_job_duration_seconds`, `longrun_job_queue_lag_seconds`:
 *   from the store's status events since this process started, read at scrape time (at most
 *   `maxEventsPerScrape` per workspace per scrape, so a scrape stays cheap; a backlog is caught up
 *   over later scrapes). They therefore cover jobs run by *every* worker on the store, not only this
 *   process's. Queue lag is claim time minus the job's `runAt` (the time it became due).
 * - `longrun_http_request_duration_seconds`: measured around every request, labelled by route
 *   pattern (never the raw path, which would explode cardinality).
 * - Node's default process metrics (event loop lag, heap, CPU).
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Longrun } from '../engine/longrun.ts';

const DEFAULT_WORKSPACE = 'default';

export interface ApiMetrics {
  registry: Registry;
  observeHttp(method: string, route: string, status: number, seconds: number): void;
  /** Catches up the event-derived series, then renders every metric. */
  render(): Promise<string>;
}

export function createMetrics(longrun: Longrun, opts: { maxEventsPerScrape?: number } = {}): ApiMetrics {
  const registry = new Registry();
  const store = longrun.store;
  const maxEvents = opts.maxEventsPerScrape ?? 5_000;
  collectDefaultMetrics({ register: registry });

  const http = new Histogram({
    name: 'longrun_http_request_duration_seconds',
    help: 'HTTP request latency by route pattern',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const httpChildren = new Map<string, ReturnType<typeof http.labels>>();
  const finished = new Counter({
    name: 'longrun_jobs_finished_total',
    help: 'Jobs that reached completed, failed or cancelled since this process started',
    labelNames: ['status', 'category'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'longrun_job_duration_seconds',
    help: 'From first start to finish, for jobs finished since this process started',
    labelNames: ['status', 'category'],
    buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600],
    registers: [registry],
  });
  const lag = new Histogram({
    name: 'longrun_job_queue_lag_seconds',
    help: 'From when a job was due (runAt) to when a worker claimed it',
    labelNames: ['category'],
    buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120],
    registers: [registry],
  });

  // Workspaces are known through their keys (the Store has no workspace listing); re-read rarely.
  let workspaces: { ids: string[]; at: number } = { ids: [DEFAULT_WORKSPACE], at: 0 };
  const knownWorkspaces = async (): Promise<string[]> => {
    if (Date.now() - workspaces.at > 30_000) {
      const keys = await store.apiKeyList({});
      workspaces = {
        ids: [...new Set([DEFAULT_WORKSPACE, ...keys.map((k) => k.workspaceId)])],
        at: Date.now(),
      };
    }
    return workspaces.ids;
  };

  const cursors = new Map<string, number>();
  const catchUp = async (workspaceId: string): Promise<void> => {
    let after = cursors.get(workspaceId);
    if (after === undefined) {
      // Start from now: history before this process is not "since start".
      cursors.set(workspaceId, await store.eventLatestId({ workspaceId }));
      return;
    }
    const events = await store.eventList({ workspaceId, after, limit: maxEvents, kinds: ['status'] });
    for (const e of events) {
      after = e.id;
      const status = String(e.data.status);
      const done =
        status === 'completed' || status === 'failed' || (status === 'cancelled' && e.data.completedAt);
      if (status !== 'running' && !done) continue;
      const found = await store.jobGet({ workspaceId, id: e.jobId });
      if (!found) continue;
      const { job } = found;
      if (status === 'running') {
        lag.observe({ category: job.category }, Math.max(0, e.timestamp - job.runAt) / 1000);
      } else {
        finished.inc({ status, category: job.category });
        if (job.startedAt !== null) {
          duration.observe(
            { status, category: job.category },
            Math.max(0, e.timestamp - job.startedAt) / 1000,
          );
        }
      }
    }
    cursors.set(workspaceId, after);
  };

  new Gauge({
    name: 'longrun_jobs',
    help: 'Jobs by workspace, status and category (from the store counts)',
    labelNames: ['workspace', 'status', 'category'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const ws of await knownWorkspaces()) {
        for (const row of await longrun.counts({ workspaceId: ws })) {
          this.set({ workspace: ws, status: row.status, category: row.category }, row.count);
        }
      }
    },
  });
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
  let writesSeen = 0;
  new Counter({
    name: 'longrun_store_write_transactions_total',
    help: 'Write transactions this process committed to the store',
    registers: [registry],
    collect() {
      const now = store.statsRead().writeTransactions;
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
    async render() {
      // Before rendering: prom-client collects metrics concurrently, so a catch-up inside one
      // metric's collect() could land after the counters it feeds were already serialised.
      for (const ws of await knownWorkspaces()) await catchUp(ws);
      return registry.metrics();
    },
  };
}
