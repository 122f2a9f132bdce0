/**
 * The job series of `/metrics`, read from the store (see metrics.ts for how each is derived). They
 * cover every worker on the store, so one process of a deployment reports them. `refresh` reads the
 * store and updates them; between refreshes a scrape renders what the last one left (metrics.ts
 * decides how often a scrape may refresh).
 */

import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { DEFAULT_WORKSPACE } from '../core/job.ts';
import type { Longrun } from '../engine/longrun.ts';

export function registerJobMetrics(
  registry: Registry,
  longrun: Longrun,
  maxEvents: number,
): { refresh(): Promise<void> } {
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
      const keys = await longrun.credentials.listKeys();
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
      cursors.set(workspaceId, await longrun.monitor.latestEventId({ workspaceId }));
      return;
    }
    const events = await longrun.events({ workspaceId, after, limit: maxEvents, kinds: ['status'] });
    for (const e of events) {
      after = e.id;
      const status = String(e.data.status);
      const done =
        status === 'completed' || status === 'failed' || (status === 'cancelled' && e.data.completedAt);
      if (status !== 'running' && !done) continue;
      const job = await longrun.monitor.findJob({ workspaceId, id: e.jobId });
      if (!job) continue;
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

  const jobs = new Gauge({
    name: 'longrun_jobs',
    help: 'Jobs by workspace, status and category (from the store counts)',
    labelNames: ['workspace', 'status', 'category'],
    registers: [registry],
  });

  return {
    async refresh() {
      const workspaces = await knownWorkspaces();
      for (const ws of workspaces) await catchUp(ws);
      // Read every count first and swap them in at once, so no render sees a half-filled gauge.
      const rows = await Promise.all(
        workspaces.map(async (ws) => ({ ws, rows: await longrun.counts({ workspaceId: ws }) })),
      );
      jobs.reset();
      for (const { ws, rows: counts } of rows)
        for (const row of counts)
          jobs.set({ workspace: ws, status: row.status, category: row.category }, row.count);
    },
  };
}
