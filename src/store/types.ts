/**
 * The storage interface every backend implements (`store/sqlite`, `store/postgres`). Methods read
 * entity-then-verb and take one params object. Every write a worker makes is fenced by a `Lease`
 * (job id + attempt + token): when the lease is no longer the job's current one, the write changes
 * nothing and the method reports it. The conformance suite (`test/store-conformance.ts`) runs the
 * same tests against each backend.
 *
 * ```ts
 * const [claimed] = await store.jobClaim({ workerId: 'w1', limit: 1, types: ['seo.publish'], leaseMs: 30_000 });
 * await store.jobWrite({ writes: [{ lease: claimed.lease, progress: { total: 10 } }] });
 * ```
 */

import type {
  AttemptRecord,
  CountsRow,
  EventKind,
  ItemRecord,
  ItemStatus,
  Job,
  JobDetail,
  JobError,
  JobEvent,
  LogEntry,
  LogLevel,
  RetryOnly,
  StepRecord,
  StepStatus,
} from '../core/job.ts';
import type { AttemptOutcome, JobStatus } from '../core/status.ts';
import type { CancelManyFilter } from './cancel-rules.ts';
import type { ClaimLimit, FlowStore } from './flow-types.ts';
import type { KeyStore } from './key-types.ts';
import type { ScheduleStore } from './schedule-types.ts';
import type { WebhookStore } from './webhook-types.ts';

export interface NewJob {
  id: string;
  workspaceId: string;
  type: string;
  category: string;
  name: string;
  input: unknown;
  priority: number;
  /** Earliest start; `null` means now by the store's clock. */
  runAt: number | null;
  maxAttempts: number;
  idempotencyKey: string | null;
  /** Hash of the creating request, compared when the idempotency key is reused. */
  requestHash: string | null;
  /** The job this one retries (core/retry.ts); absent or null for every other job. */
  retryOf?: string | null;
  retryOnly?: RetryOnly | null;
  /** The key of the type's keyed concurrency limit (`defineJob({ concurrency })`), if it has one. */
  concurrencyKey?: string | null;
  /** The schedule whose fire enqueued it (docs/operations.md, "Schedules"); absent or null: none. */
  scheduleId?: string | null;
}

export interface InsertResult {
  id: string;
  created: boolean;
  /** For an existing job found by idempotency key: whether its request hash equals the new one. */
  sameRequest: boolean;
}

export interface Lease {
  jobId: string;
  attempt: number;
  token: string;
}

export interface ClaimedJob {
  lease: Lease;
  job: Job;
  input: unknown;
  leaseExpiresAt: number;
}

export interface NewLog {
  level: LogLevel;
  message: string;
  step: string | null;
  timestamp: number;
}

export interface ItemWrite {
  step: string;
  key: string;
  status: ItemStatus;
  error: string | null;
}

export interface StepWrite {
  name: string;
  status: StepStatus;
  result?: unknown;
}

/** Everything one job's worker buffered since its last flush; applied in one transaction. */
export interface JobWriteBatch {
  lease: Lease;
  /** `total` replaces; `completed`/`failed` are deltas added to the stored counts. */
  progress?: { total?: number; completed?: number; failed?: number };
  logs?: NewLog[];
  items?: ItemWrite[];
  steps?: StepWrite[];
  /** `undefined` leaves it; `null` clears it. */
  currentStep?: string | null;
}

export type FinishOutcome = 'completed' | 'failed' | 'timed_out' | 'released';

export interface JobFinish {
  lease: Lease;
  outcome: FinishOutcome;
  result?: unknown;
  error?: JobError | null;
  /**
   * For `failed`/`timed_out`: when set and the job has attempts left (released attempts are not
   * charged), it goes back to `pending` to run again this many ms from now; otherwise it fails.
   */
  retryDelayMs?: number | null;
  /** Final buffered writes, applied in the same transaction before the status change. */
  writes?: Omit<JobWriteBatch, 'lease'>;
  /** The job held a concurrency slot: its finish announces that work may be claimable. */
  freesSlot?: boolean;
}

export interface FinishResult {
  jobId: string;
  /** False when the lease was lost: nothing was written. */
  applied: boolean;
  status: JobStatus | null;
}

export type LeaseState = 'ok' | 'lost' | 'cancelled';

export interface CancelResult {
  job: Job;
  /** The status the job had before this request. */
  previousStatus: JobStatus;
}

export interface ReapedJob {
  jobId: string;
  attempt: number;
  outcome: AttemptOutcome;
  status: JobStatus;
}

export interface JobListParams {
  workspaceId: string;
  statuses?: JobStatus[];
  categories?: string[];
  types?: string[];
  limit: number;
  /** Keyset cursor: return jobs strictly older than this position. */
  before?: number;
  /** Jobs whose name starts with this text: case-sensitive, literal (`%` and `_` are characters). */
  namePrefix?: string;
  /**
   * Jobs whose input holds, at each `path`, `value` as a string (or as the JSON literal it spells:
   * `input-filter.ts` decides). All must match. SQLite pages through these by a bounded scan, so a
   * page may hold fewer than `limit` jobs, even none, and still have a `next`.
   */
  input?: InputFilter[];
}

export interface InputFilter {
  /** Field names from the top of the input object down: 1–4 segments of `[A-Za-z0-9_-]{1,64}`. */
  path: string[];
  value: string;
}

export interface JobListPage {
  jobs: Job[];
  /** Position to pass as `before` for the next page, or `null` on the last page. */
  next: number | null;
}

/** The same page as JSON text: the array of the jobs' public form (`core/job-json.ts`). */
export interface JobListJsonPage {
  json: string;
  next: number | null;
}

/** Jobs that reached a terminal status within one bucket of `jobTimeseries`. */
export interface TimeseriesBucket {
  /** `floor(completedAt / bucketMs) * bucketMs`. */
  start: number;
  completed: number;
  failed: number;
  cancelled: number;
}

export interface StoreNotifications {
  /** New work may be claimable (enqueue, retry, release). */
  jobsAvailable(listener: () => void): () => void;
  /** A running job was cancelled, possibly by another process. */
  jobCancelled(listener: (jobId: string) => void): () => void;
  /** New rows in the event table, possibly written by another process. */
  eventsAdded(listener: () => void): () => void;
  /**
   * Delivers now, synchronously, cancels other processes committed since the last call. Only a
   * store whose notifications are not pushed has it (SQLite); the engine calls it before each
   * item and step, so an item does not start after a cancel another process committed.
   */
  catchUp?(): void;
}

/** One store notification, as it crosses a process boundary (see `NotificationRelay`). */
export type StoreSignal =
  | { name: 'jobsAvailable' }
  | { name: 'jobCancelled'; jobId: string }
  | { name: 'eventsAdded' };

/**
 * Carries an embedded store's notifications to the other processes that share its file (the HTTP
 * processes of `longrun serve --http-processes`): what this store commits is published, what the
 * others committed is delivered to this store's listeners. PostgreSQL needs none: LISTEN/NOTIFY
 * already crosses processes.
 */
export interface NotificationRelay {
  publish(signal: StoreSignal): void;
  /** Returns the unsubscribe. */
  subscribe(deliver: (signal: StoreSignal) => void): () => void;
}

export type { ClaimLimit, JobTypePause } from './flow-types.ts';
export type { ApiKeyRecord, SessionRecord, StoredApiKey } from './key-types.ts';

export interface Store extends WebhookStore, ScheduleStore, FlowStore, KeyStore {
  readonly kind: 'sqlite' | 'postgres';
  migrate(params?: { dryRun?: boolean }): Promise<{ applied: string[]; pending: string[] }>;
  close(): Promise<void>;
  /** The store's clock: what every lease and schedule comparison uses. */
  clockNow(): Promise<number>;
  ping(): Promise<void>;
  /** Counters for benchmarks and metrics: write transactions committed by this store instance. */
  statsRead(): { writeTransactions: number };
  readonly notifications: StoreNotifications | null;

  workspaceEnsure(params: { name: string }): Promise<{ id: string; name: string; created: boolean }>;

  jobInsert(params: { jobs: NewJob[] }): Promise<InsertResult[]>;
  jobClaim(params: {
    workerId: string;
    limit: number;
    types: string[];
    leaseMs: number;
    /** Concurrency limits of the claimed types, from code (absent or empty: none). */
    limits?: ClaimLimit[];
  }): Promise<ClaimedJob[]>;
  /** Extends leases; reports which are lost and which jobs were cancelled meanwhile. */
  jobHeartbeat(params: { leases: Lease[]; leaseMs: number }): Promise<Map<string, LeaseState>>;
  /** Applies buffered progress, logs, items and steps of many jobs in one transaction. */
  jobWrite(params: { writes: JobWriteBatch[] }): Promise<boolean[]>;
  jobFinish(params: { finishes: JobFinish[] }): Promise<FinishResult[]>;
  /** `by`: who asked (an API key's name), kept as `cancelledBy`; a repeated cancel keeps the first. */
  jobCancel(params: { workspaceId: string; id: string; by?: string }): Promise<CancelResult>;
  /**
   * Cancels up to `limit` (at most 10,000) pending or running jobs matching `filter`, oldest first,
   * each exactly as `jobCancel` would (events, counts, the worker's cancel signal), in set-based
   * transactions of 1,000 (cancel-rules.ts). `more`: matching cancellable jobs remain. Idempotent.
   */
  jobCancelMany(params: {
    workspaceId: string;
    filter: CancelManyFilter;
    limit?: number;
    by?: string;
  }): Promise<{ cancelled: number; more: boolean }>;
  /** Recovers jobs whose lease expired: a new attempt, or `failed` after `maxAttempts`. */
  leaseReap(params: { limit: number; retryDelayMs: (attempt: number) => number }): Promise<ReapedJob[]>;
  /** Deletes finished jobs (and their logs, items, steps, attempts) completed before `before`. */
  jobPurge(params: { before: number; limit: number }): Promise<number>;

  jobGet(params: {
    workspaceId: string;
    id: string;
  }): Promise<{ job: Job; input: unknown; result: unknown; logsTotal: number } | null>;
  /** The job with its newest `logLimit` log lines, its steps and attempts, read as one snapshot. */
  jobDetailGet(params: { workspaceId: string; id: string; logLimit: number }): Promise<JobDetail | null>;
  /**
   * `jobDetailGet` as `JSON.stringify(toJobDetailJson(detail))`, byte for byte, or null: the API's
   * job page, which a store may write without building the detail at all (SQLite does, in SQL).
   */
  jobDetailJson(params: { workspaceId: string; id: string; logLimit: number }): Promise<string | null>;
  jobList(params: JobListParams): Promise<JobListPage>;
  /**
   * `jobList` as `JSON.stringify(page.jobs.map(toJobJson))`, byte for byte: the API's list page, which a store
   * may write without building job objects at all (SQLite does, in SQL).
   */
  jobListJson(params: JobListParams): Promise<JobListJsonPage>;
  jobCounts(params: { workspaceId: string }): Promise<CountsRow[]>;
  /**
   * Jobs that reached a terminal status at `completedAt >= since`, counted per bucket of `bucketMs`,
   * oldest bucket first, empty buckets left out. A running job that was cancelled counts once its
   * worker has stopped (when it gets its `completedAt`).
   */
  jobTimeseries(params: {
    workspaceId: string;
    since: number;
    bucketMs: number;
  }): Promise<TimeseriesBucket[]>;
  stepList(params: { jobId: string }): Promise<StepRecord[]>;
  attemptList(params: { jobId: string }): Promise<AttemptRecord[]>;
  /** Chronological; `newest` returns the newest `limit` lines (still oldest first). */
  logList(params: {
    jobId: string;
    after?: number;
    limit: number;
    level?: LogLevel[];
    newest?: boolean;
  }): Promise<LogEntry[]>;
  itemList(params: {
    jobId: string;
    step?: string;
    status?: ItemStatus;
    after?: string;
    limit: number;
  }): Promise<ItemRecord[]>;
  eventList(params: {
    workspaceId: string;
    jobId?: string;
    after: number;
    limit: number;
    kinds?: EventKind[];
  }): Promise<JobEvent[]>;
  /**
   * The newest event id stored for a workspace (or one of its jobs), 0 when it has none: where a
   * new stream starts. Unlike `eventSequenceLast` it goes down when retention purges the newest.
   */
  eventNewestId(params: { workspaceId: string; jobId?: string }): Promise<number>;
  /**
   * The highest event id the store has ever issued, in any workspace (0 before the first). It never
   * goes down, not even when retention purges the newest events, so an id above it was never sent
   * by any server. On PostgreSQL it also counts ids of writes that rolled back.
   */
  eventSequenceLast(): Promise<number>;

  /** A value the store's migrations made once (`cursor_key`), or null for a name it does not hold. */
  settingGet(params: { name: string }): Promise<string | null>;
}
