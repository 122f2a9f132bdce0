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
import { type MetricObjectWithValues, type MetricValue, Registry } from 'prom-client';
import type { Longrun } from '../engine/longrun.ts';
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
export declare function createMetrics(longrun: Longrun, opts?: {
    maxEventsPerScrape?: number;
    processOnly?: boolean;
}): ApiMetrics;
/** The text of several processes' snapshots added up (counters and histograms summed). */
export declare function renderSnapshots(snapshots: MetricsSnapshot[]): Promise<string>;
//# sourceMappingURL=metrics.d.ts.map