/**
 * The shapes of a job as every layer sees it. Field names follow the seed page
 * (`id, name, type, category, status, progress, createdAt, completedAt`); timestamps are integer
 * milliseconds since the epoch.
 */
import type { AttemptOutcome, JobStatus } from './status.ts';

export interface Progress {
  total: number;
  completed: number;
  failed: number;
}

export const LOG_LEVELS = ['info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface JobError {
  code: string;
  message: string;
}

export interface Job {
  id: string;
  workspaceId: string;
  name: string;
  type: string;
  category: string;
  status: JobStatus;
  progress: Progress;
  createdAt: number;
  completedAt: number | null;
  startedAt: number | null;
  updatedAt: number;
  runAt: number;
  priority: number;
  attempt: number;
  maxAttempts: number;
  currentStep: string | null;
  cancelRequestedAt: number | null;
  /** Who asked for the cancel: the API key's name; null before a cancel or when none was given. */
  cancelledBy: string | null;
  scheduleId: string | null;
  error: JobError | null;
  /** The job this one retries (`POST /api/v1/jobs/:id/retry`), or null. */
  retryOf: string | null;
  /** `failed-items`: this retry reruns only what `retryOf` left unfinished (core/retry.ts). */
  retryOnly: RetryOnly | null;
}

export type RetryOnly = 'failed-items';

export interface LogEntry {
  /** The event id of this line: increasing within a job, usable as `after=` for the next page. */
  id: number;
  timestamp: number;
  level: LogLevel;
  message: string;
  step: string | null;
  attempt: number;
}

export const STEP_STATUSES = ['running', 'completed', 'failed'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

export interface StepRecord {
  name: string;
  status: StepStatus;
  attempt: number;
  startedAt: number;
  completedAt: number | null;
  /** The step's stored return value; a resumed attempt receives it instead of re-running the step. */
  result?: unknown;
}

export interface AttemptRecord {
  attempt: number;
  workerId: string | null;
  startedAt: number;
  endedAt: number | null;
  /** `null` while the attempt is still running. */
  outcome: AttemptOutcome | null;
  error: string | null;
}

export const ITEM_STATUSES = ['completed', 'failed'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

export interface ItemRecord {
  step: string;
  key: string;
  status: ItemStatus;
  error: string | null;
  attempt: number;
  updatedAt: number;
}

export interface JobDetail extends Job {
  input: unknown;
  result: unknown;
  logs: LogEntry[];
  logsTotal: number;
  steps: StepRecord[];
  attempts: AttemptRecord[];
}

/** The workspace of every call that names none, and the one `longrun serve` creates on first start. */
export const DEFAULT_WORKSPACE = 'default';

export const EVENT_KINDS = ['status', 'progress', 'step', 'log'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** One row of a job's event stream; `id` increases across the whole store. */
export interface JobEvent {
  id: number;
  jobId: string;
  workspaceId: string;
  kind: EventKind;
  timestamp: number;
  data: Record<string, unknown>;
}

export interface CountsRow {
  status: JobStatus;
  category: string;
  count: number;
}
