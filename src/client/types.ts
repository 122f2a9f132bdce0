/**
 * The API's JSON shapes as a client sees them. A job's shapes are inferred from core/job-schema.ts
 * by type-only imports, which compile away: the client (used by the CLI and the dashboard) keeps no
 * server code in its dependency graph.
 */

import type { LogLevel } from '../core/job.ts';
import type { ItemJson, JobDetailJson, JobJson, LogEntryJson } from '../core/job-schema.ts';
import type { JobStatus } from '../core/status.ts';

export type { JobStatus, LogLevel };
export type Scope = 'read' | 'write' | 'admin';

/** A job, its log lines, its detail and its items: inferred from the server's one schema of them. */
export type Job = JobJson;
export type LogEntry = LogEntryJson;
export type JobDetail = JobDetailJson;
export type Item = ItemJson;

export interface JobType {
  type: string;
  category: string;
  description: string | null;
  inputSchema: unknown;
  maxAttempts: number;
  timeoutMs: number | null;
  /** Retries may rerun only the failed items (`retryJob(id, { only: 'failed-items' })`). */
  partialRetry: boolean;
  /** Declared in code: at most `limit` running per type, or per key of a workspace when `perKey`. */
  concurrency: { limit: number; perKey: boolean } | null;
  /** Paused in this workspace: its pending jobs are not claimed. */
  paused: boolean;
  pausedAt: number | null;
  pausedBy: string | null;
}

export interface Stats {
  total: number;
  byStatus: Record<string, number>;
  byCategory: Record<string, Record<string, number>>;
}

export interface ApiKey {
  id: string;
  name: string;
  workspace: string;
  scope: Scope;
  prefix: string;
  createdAt: number;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

export interface ListJobsParams {
  status?: JobStatus | JobStatus[];
  category?: string | string[];
  type?: string | string[];
  /** Name prefix (case-sensitive). */
  q?: string;
  /** Input values by dotted path (`{ bucketId: 'b1', 'target.site': 'x' }`), all of which must match. */
  input?: Record<string, string>;
  limit?: number;
  cursor?: string;
}

/** `GET /api/v1/stats/timeseries`: jobs finished per bucket, only buckets with jobs. */
export interface Timeseries {
  window: '1h' | '24h';
  bucketMs: number;
  since: number;
  buckets: { start: number; completed: number; failed: number; cancelled: number }[];
}

export interface CreateJobParams {
  type: string;
  input?: unknown;
  name?: string;
  runAt?: number;
  priority?: number;
  maxAttempts?: number;
}

export interface RetryJobParams {
  /** `failed-items`: rerun only what the job left unfinished (its type must set `partialRetry`). */
  only?: 'failed-items';
}

/** Conditions are AND-ed, a list matches any of its values; an empty filter needs `all: true`. */
export interface CancelJobsFilter {
  status?: 'pending' | 'running' | ('pending' | 'running')[];
  category?: string | string[];
  type?: string | string[];
  /** Jobs created strictly before this time, ms epoch. */
  createdBefore?: number;
  ids?: string[];
  all?: true;
  /** 1–10,000, default 10,000. */
  limit?: number;
}

export interface CancelJobsResult {
  cancelled: number;
  /** The limit was reached and matching jobs remain: call again. */
  more: boolean;
}

/** One event of a stream: `snapshot` (data is a JobDetail), `status`, `progress`, `step` or `log`. */
export interface StreamEvent {
  event: string;
  id: number | null;
  data: Record<string, unknown>;
}

/** A schedule (`/api/v1/schedules`), and with its next five fire times: inferred from core/schedule-schema.ts. */
export type Schedule = import('../core/schedule-schema.ts').ScheduleJson;
export type ScheduleDetail = import('../core/schedule-schema.ts').ScheduleDetailJson;

export interface CreateScheduleParams {
  type: string;
  input?: unknown;
  /** Five fields: minute hour day-of-month month day-of-week. */
  cron: string;
  /** IANA time zone, e.g. `Europe/Berlin`. */
  timezone: string;
  name?: string;
  overlap?: Schedule['overlap'];
  catchUp?: Schedule['catchUp'];
  paused?: boolean;
}

export type UpdateScheduleParams = Partial<Omit<CreateScheduleParams, 'type' | 'name'>> & {
  name?: string | null;
};
