/**
 * What watchers of jobs read besides the jobs themselves (`longrun.monitor`): where an event stream
 * starts, a wake-up when events are added, the job an event names, jobs finished per time bucket,
 * and the store's own health. The HTTP API's streams, metrics and probes use it.
 *
 * ```ts
 * const start = await longrun.monitor.latestEventId({ workspaceId, jobId });
 * ```
 */
import type { Job } from '../core/job.ts';
import type { Store, StoreNotifications, TimeseriesBucket } from '../store/types.ts';

export class StoreMonitor {
  constructor(private readonly store: Store) {}

  get storeKind(): Store['kind'] {
    return this.store.kind;
  }

  /** Resolves when the store answers a trivial query. */
  ping(): Promise<void> {
    return this.store.ping();
  }

  /** Write transactions this process has committed to the store. */
  writeTransactions(): number {
    return this.store.statsRead().writeTransactions;
  }

  /** Signals of new events and work, also from other processes; null where the store has none. */
  get notifications(): StoreNotifications | null {
    return this.store.notifications;
  }

  /** The newest event id of a workspace, or of one of its jobs (0 before the first). */
  latestEventId(p: { workspaceId: string; jobId?: string }): Promise<number> {
    return this.store.eventNewestId(p);
  }

  /** The highest event id ever issued in any workspace: an id above it was never sent. */
  highestEventId(): Promise<number> {
    return this.store.eventSequenceLast();
  }

  /** The job without its logs, input or result; null when the workspace has no such job. */
  async findJob(p: { workspaceId: string; id: string }): Promise<Job | null> {
    return (await this.store.jobGet(p))?.job ?? null;
  }

  /** Jobs finished per bucket of `bucketMs` since `since`, oldest first, empty buckets left out. */
  timeseries(p: { workspaceId: string; since: number; bucketMs: number }): Promise<TimeseriesBucket[]> {
    return this.store.jobTimeseries(p);
  }
}
