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
 *
 * Under `longrun serve --http-processes N` a scrape reaching any process answers for all of them
 * (`renderSnapshots`): requests and process figures summed, the job series from the primary alone.
 */
import { AggregatorRegistry, Counter, collectDefaultMetrics, Gauge, Histogram, Registry, } from 'prom-client';
import { registerJobMetrics } from "./metrics-jobs.js";
/**
 * `processOnly` leaves out what is read from the store (job counts, finished jobs, durations, queue
 * lag) and the worker gauges: an HTTP process of a cluster reports its requests, its writes and its
 * runtime, and the primary, which runs the workers, reports the rest once.
 */
export function createMetrics(longrun, opts = {}) {
    const registry = new Registry();
    const store = longrun.store;
    collectDefaultMetrics({ register: registry });
    const http = new Histogram({
        name: 'longrun_http_request_duration_seconds',
        help: 'HTTP request latency by route pattern',
        labelNames: ['method', 'route', 'status'],
        buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
        registers: [registry],
    });
    const httpChildren = new Map();
    const jobs = opts.processOnly
        ? null
        : registerJobMetrics(registry, longrun, opts.maxEventsPerScrape ?? 5_000);
    if (!opts.processOnly)
        registerWorkerMetrics(registry, longrun);
    let writesSeen = 0;
    new Counter({
        name: 'longrun_store_write_transactions_total',
        help: 'Write transactions this process committed to the store',
        registers: [registry],
        collect() {
            const now = store.statsRead().writeTransactions;
            if (now > writesSeen)
                this.inc(now - writesSeen);
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
        // Catch up before rendering: prom-client collects metrics concurrently, so a catch-up inside
        // one metric's collect() could land after the counters it feeds were already serialised.
        async render() {
            await jobs?.catchUp();
            return registry.metrics();
        },
        async snapshot() {
            await jobs?.catchUp();
            return registry.getMetricsAsJSON();
        },
    };
}
/** The text of several processes' snapshots added up (counters and histograms summed). */
export function renderSnapshots(snapshots) {
    return AggregatorRegistry.aggregate(snapshots).metrics();
}
function registerWorkerMetrics(registry, longrun) {
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
            if (now > processedSeen)
                this.inc(now - processedSeen);
            processedSeen = now;
        },
    });
}
//# sourceMappingURL=metrics.js.map