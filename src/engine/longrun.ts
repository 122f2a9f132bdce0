/**
 * The public engine: enqueue, cancel, query and run jobs over one Store. The HTTP API, the CLI and
 * library users all go through this object.
 *
 * ```ts
 * const longrun = createLongrun({ store: await createSqliteStore({ path: 'data/longrun.db' }), jobs: [publish] });
 * longrun.start({ concurrency: 8 });
 * const { job } = await longrun.enqueue('seo.publish', { bucketId: 'b1', entityIds: ['e1', 'e2'] });
 * await longrun.stop();
 * ```
 */

import { type EngineClock, systemClock } from '../core/clock.ts';
import { LongrunError } from '../core/errors.ts';
import type {
  CountsRow,
  EventKind,
  ItemRecord,
  ItemStatus,
  Job,
  JobDetail,
  JobEvent,
  LogEntry,
  LogLevel,
} from '../core/job.ts';
import { DEFAULT_WORKSPACE } from '../core/job.ts';
import type { JobStatus } from '../core/status.ts';
import type { InputFilter, JobListParams, Store } from '../store/types.ts';
import { Credentials } from './credentials.ts';
import { CursorCodec } from './cursor.ts';
import { type AnyJobDefinition, JobRegistry, type JobTypeInfo } from './define.ts';
import { buildNewJob, type EnqueueOptions } from './enqueue.ts';
import { FlowControl } from './flow.ts';
import { InsertBatcher } from './insert-batcher.ts';
import { StoreMonitor } from './monitor.ts';
import { type CancelManyOptions, cancelJobs, type RetryOptions, retryJob } from './operations.ts';
import { LeaseReaper } from './reaper.ts';
import { RetentionSweeper } from './retention.ts';
import { Scheduler } from './scheduler.ts';
import { Schedules } from './schedules.ts';
import { WebhookDispatcher, type WebhookOptions } from './webhook-dispatcher.ts';
import { Webhooks } from './webhooks.ts';
import { type WorkerOptions, WorkerPool } from './worker.ts';

export interface LongrunOptions {
  store: Store;
  jobs?: AnyJobDefinition[];
  categories?: readonly string[];
  /**
   * The time and timers of the worker pool, the reaper and retention (default: the system clock).
   * Leases and run times are stamped by the store's clock: a test gives both the same fake clock.
   */
  clock?: EngineClock;
  /**
   * Completion webhooks: the SSRF guard (`allowPrivate`) and the dispatcher `start()` runs (retry
   * base, give-up age, poll interval, attempt timeout). docs/operations.md, "Webhooks".
   */
  webhooks?: WebhookOptions;
}

export interface ListJobsParams {
  workspaceId?: string;
  status?: JobStatus[];
  category?: string[];
  type?: string[];
  /** Name prefix (case-sensitive, literal). */
  namePrefix?: string;
  /** Input values at paths, all of which must match (`JobListParams.input`). */
  input?: InputFilter[];
  limit?: number;
  cursor?: string;
}

/** How many log lines a job's detail carries; older ones come from `listLogs`. */
export const DETAIL_LOG_LIMIT = 1_000;

export class Longrun {
  readonly store: Store;
  readonly registry: JobRegistry;
  /** API keys and dashboard sessions (credentials.ts). */
  readonly credentials: Credentials;
  /** Event positions, wake-ups, store health (monitor.ts). */
  readonly monitor: StoreMonitor;
  /** Completion webhooks of each workspace (webhooks.ts). */
  readonly webhooks: Webhooks;
  private dispatcher: WebhookDispatcher | null = null;
  private readonly webhookOptions: WebhookOptions;
  /** Job types with their pause state; pause and resume (flow.ts). */
  readonly flow: FlowControl;
  /** Schedules: create, list, get, update, delete (schedules.ts). */
  readonly schedules: Schedules;
  private scheduler: Scheduler | null = null;
  private pool: WorkerPool | null = null;
  private readonly inserts: InsertBatcher;
  private reaper: LeaseReaper | null = null;
  private retention: RetentionSweeper | null = null;
  private keepAlive: ReturnType<typeof setInterval> | undefined;
  private codec: Promise<CursorCodec> | null = null;
  private readonly clock: EngineClock;

  constructor(opts: LongrunOptions) {
    this.store = opts.store;
    this.clock = opts.clock ?? systemClock;
    this.inserts = new InsertBatcher(opts.store);
    this.registry = new JobRegistry({ categories: opts.categories, jobs: opts.jobs });
    this.credentials = new Credentials(opts.store);
    this.monitor = new StoreMonitor(opts.store);
    this.webhookOptions = opts.webhooks ?? {};
    this.webhooks = new Webhooks(
      opts.store,
      { allowPrivate: this.webhookOptions.allowPrivate ?? false },
      () => this.cursors(),
    );
    this.flow = new FlowControl(opts.store, this.registry);
    this.schedules = new Schedules(opts.store, this.registry);
  }

  /** Validates `input` against the type's schema and enqueues one job. */
  async enqueue(
    type: string,
    input: unknown,
    opts: EnqueueOptions = {},
  ): Promise<{ job: Job; created: boolean }> {
    const row = buildNewJob(this.registry, type, input, opts, this.clock.now());
    const res = await this.inserts.insert(row);
    if (!res.created && !res.sameRequest) {
      throw new LongrunError(
        'idempotency_conflict',
        `Idempotency-Key "${opts.idempotencyKey}" was used with another request`,
        {
          details: [{ message: 'the original job', jobId: res.id }],
        },
      );
    }
    const found = await this.store.jobGet({ workspaceId: row.workspaceId, id: res.id });
    if (!found) throw new LongrunError('internal', `job ${res.id} vanished after insert`);
    return { job: found.job, created: res.created };
  }

  /** Bulk enqueue in one transaction; returns the job ids in order. */
  async enqueueMany(requests: { type: string; input: unknown; opts?: EnqueueOptions }[]): Promise<string[]> {
    // The clock per job, not per batch: ids of one batch that share a millisecond land in the id
    // index at random places, and a 10,000-job batch sharing one cost a sixth of the no-op drain.
    const rows = requests.map((r) =>
      buildNewJob(this.registry, r.type, r.input, r.opts ?? {}, this.clock.now()),
    );
    const results = await this.store.jobInsert({ jobs: rows });
    return results.map((r) => r.id);
  }

  async cancel(
    id: string,
    opts: { workspaceId?: string; by?: string } = {},
  ): Promise<{ job: Job; previousStatus: JobStatus }> {
    const res = await this.store.jobCancel({
      workspaceId: opts.workspaceId ?? DEFAULT_WORKSPACE,
      id,
      by: opts.by,
    });
    return res;
  }

  /** A new job retrying `id` (core/retry.ts says when that is allowed); `only: 'failed-items'` for a partial retry. */
  retry(
    id: string,
    opts: Omit<RetryOptions, 'workspaceId'> & { workspaceId?: string } = {},
  ): Promise<{ job: Job; created: boolean }> {
    const workspaceId = opts.workspaceId ?? DEFAULT_WORKSPACE;
    return retryJob(this.store, this.registry, this.clock.now(), id, { ...opts, workspaceId });
  }

  /** Cancels up to 10,000 pending or running jobs matching `filter` (store/cancel-rules.ts). */
  cancelMany(
    opts: Omit<CancelManyOptions, 'workspaceId'> & { workspaceId?: string },
  ): Promise<{ cancelled: number; more: boolean }> {
    return cancelJobs(this.store, { ...opts, workspaceId: opts.workspaceId ?? DEFAULT_WORKSPACE });
  }

  async getJob(id: string, opts: GetJobOptions = {}): Promise<JobDetail> {
    return found(id, await this.store.jobDetailGet(detailParams(id, opts)));
  }

  /** `getJob` as the JSON text of `toJobDetailJson(detail)`: what the API sends, built by the store. */
  async getJobJson(id: string, opts: GetJobOptions = {}): Promise<string> {
    return found(id, await this.store.jobDetailJson(detailParams(id, opts)));
  }

  async listJobs(p: ListJobsParams = {}): Promise<{ jobs: Job[]; nextCursor: string | null }> {
    const codec = await this.cursors();
    const page = await this.store.jobList(this.listParams(p, codec));
    return { jobs: page.jobs, nextCursor: page.next === null ? null : codec.encodeJob(page.next) };
  }

  /** `listJobs` as the JSON text of `jobs.map(toJobJson)`: what the API sends, built by the store. */
  async listJobsJson(p: ListJobsParams = {}): Promise<{ json: string; nextCursor: string | null }> {
    const codec = await this.cursors();
    const page = await this.store.jobListJson(this.listParams(p, codec));
    return { json: page.json, nextCursor: page.next === null ? null : codec.encodeJob(page.next) };
  }

  /**
   * Signs and checks list cursors with the store's `cursor_key`, read once. A failed read is not
   * kept: the next list tries again (the store may be back).
   */
  cursors(): Promise<CursorCodec> {
    if (this.codec) return this.codec;
    const made = this.store.settingGet({ name: 'cursor_key' }).then((key) => {
      if (key === null) throw new Error('the store has no cursor_key: run its migrations');
      return new CursorCodec(key);
    });
    this.codec = made;
    made.catch(() => {
      if (this.codec === made) this.codec = null;
    });
    return made;
  }

  private listParams(p: ListJobsParams, codec: CursorCodec): JobListParams {
    const limit = p.limit ?? 20;
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      throw new LongrunError('invalid_input', 'limit must be an integer from 1 to 100', {
        details: [{ path: 'limit', message: 'must be an integer from 1 to 100' }],
      });
    }
    return {
      workspaceId: p.workspaceId ?? DEFAULT_WORKSPACE,
      statuses: p.status,
      categories: p.category,
      types: p.type,
      namePrefix: p.namePrefix,
      input: p.input,
      limit,
      before: p.cursor === undefined ? undefined : codec.decodeJob(p.cursor),
    };
  }

  private async requireJob(id: string, workspaceId: string): Promise<void> {
    if (!(await this.store.jobGet({ workspaceId, id })))
      throw new LongrunError('not_found', `job ${id} not found`);
  }

  async listLogs(
    id: string,
    p: { workspaceId?: string; after?: number; limit?: number; level?: LogLevel[] } = {},
  ): Promise<LogEntry[]> {
    await this.requireJob(id, p.workspaceId ?? DEFAULT_WORKSPACE);
    return this.store.logList({ jobId: id, after: p.after, limit: p.limit ?? 100, level: p.level });
  }

  async listItems(
    id: string,
    p: { workspaceId?: string; status?: ItemStatus; step?: string; after?: string; limit?: number } = {},
  ): Promise<ItemRecord[]> {
    await this.requireJob(id, p.workspaceId ?? DEFAULT_WORKSPACE);
    return this.store.itemList({
      jobId: id,
      status: p.status,
      step: p.step,
      after: p.after,
      limit: p.limit ?? 100,
    });
  }

  async counts(opts: { workspaceId?: string } = {}): Promise<CountsRow[]> {
    return this.store.jobCounts({ workspaceId: opts.workspaceId ?? DEFAULT_WORKSPACE });
  }

  /** Events after `after` (an event id), oldest first; a job's stream or the workspace's status/progress stream. */
  async events(p: {
    workspaceId?: string;
    jobId?: string;
    after: number;
    limit?: number;
    kinds?: EventKind[];
  }): Promise<JobEvent[]> {
    return this.store.eventList({
      workspaceId: p.workspaceId ?? DEFAULT_WORKSPACE,
      jobId: p.jobId,
      after: p.after,
      limit: p.limit ?? 500,
      kinds: p.kinds,
    });
  }

  jobTypes(): readonly JobTypeInfo[] {
    return this.registry.describe();
  }

  /**
   * Starts the worker pool (claiming the registered types), the lease reaper and, when
   * `retentionMs` is given, the retention sweeper that deletes jobs finished longer ago.
   * `keepAlive` holds the process open until `stop()`: the pool's own timers do not, because a
   * library must not keep its host alive, but a process that exists only to run workers (on
   * SQLite nothing else holds it) needs exactly that.
   */
  start(
    opts: Partial<WorkerOptions> & {
      retentionMs?: number;
      keepAlive?: boolean;
      /** Run the scheduler (default true); `{ intervalMs }` sets how often it looks (default 1,000 ms). */
      scheduler?: boolean | { intervalMs?: number };
    } = {},
  ): void {
    if (this.pool) return;
    // A real timer whatever the clock: it measures no time, it only holds the process open.
    if (opts.keepAlive) this.keepAlive = setInterval(() => {}, 2 ** 30);
    this.pool = new WorkerPool(this.store, this.registry, { clock: this.clock, ...opts });
    this.reaper = new LeaseReaper(this.store, { intervalMs: opts.reapIntervalMs, clock: this.clock });
    this.pool.start();
    this.reaper.start();
    if (this.webhookOptions.dispatch !== false) {
      const onError = opts.onError;
      this.dispatcher = new WebhookDispatcher(this.store, {
        ...this.webhookOptions,
        clock: this.clock,
        ...(onError ? { onError: (err: unknown) => onError(err, 'webhooks') } : {}),
      });
      this.dispatcher.start();
    }
    if (opts.scheduler !== false) {
      this.scheduler = new Scheduler(this.store, this.registry, {
        clock: this.clock,
        intervalMs: typeof opts.scheduler === 'object' ? opts.scheduler.intervalMs : undefined,
        before: () => this.schedules.syncCode(),
        ...(opts.onError ? { onError: (err: unknown) => opts.onError?.(err, 'scheduler') } : {}),
      });
      this.scheduler.start();
    }
    if (opts.retentionMs !== undefined) {
      this.retention = new RetentionSweeper(this.store, { maxAgeMs: opts.retentionMs, clock: this.clock });
      this.retention.start();
    }
  }

  get worker(): WorkerPool | null {
    return this.pool;
  }

  /** The scheduler loop `start()` runs (null when stopped or started with `scheduler: false`). */
  get runningScheduler(): Scheduler | null {
    return this.scheduler;
  }

  /** Stops claiming at once, lets running jobs finish within `graceMs`, then releases the rest. */
  async stop(opts: { graceMs?: number } = {}): Promise<void> {
    const pool = this.pool;
    const reaper = this.reaper;
    const retention = this.retention;
    const scheduler = this.scheduler;
    const dispatcher = this.dispatcher;
    this.dispatcher = null;
    // Beside the pool's drain, not after it: an attempt in flight may take its whole timeout.
    const dispatcherStopped = dispatcher?.stop();
    this.scheduler = null;
    this.pool = null;
    this.reaper = null;
    this.retention = null;
    await scheduler?.stop();
    await pool?.stop(opts);
    await reaper?.stop();
    await retention?.stop();
    await dispatcherStopped;
    clearInterval(this.keepAlive);
    this.keepAlive = undefined;
  }
}

export function createLongrun(opts: LongrunOptions): Longrun {
  return new Longrun(opts);
}

interface GetJobOptions {
  workspaceId?: string;
  logLimit?: number;
}

function detailParams(id: string, opts: GetJobOptions) {
  return {
    workspaceId: opts.workspaceId ?? DEFAULT_WORKSPACE,
    id,
    logLimit: opts.logLimit ?? DETAIL_LOG_LIMIT,
  };
}

function found<T>(id: string, value: T | null): T {
  if (value === null) throw new LongrunError('not_found', `job ${id} not found`);
  return value;
}
