/**
 * Row ↔ object mapping shared by the SQL backends: both name their columns alike, so one mapper
 * serves SQLite and PostgreSQL (PostgreSQL's BIGINT columns arrive as strings and go through `num`).
 */
import type { AttemptRecord, ItemRecord, Job, JobEvent, LogEntry, StepRecord } from '../core/job.ts';
import type { AttemptOutcome, JobStatus } from '../core/status.ts';
import type { ApiKeyRecord, SessionRecord } from './types.ts';

export type Row = Record<string, unknown>;

export function num(v: unknown): number {
  return typeof v === 'number' ? v : Number(v);
}

export function numOrNull(v: unknown): number | null {
  return v === null || v === undefined ? null : num(v);
}

function strOrNull(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}

export function parseJson(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? JSON.parse(v) : v;
}

/** The columns `rowToJob` reads, for SELECT lists and RETURNING clauses. */
export const JOB_COLUMNS =
  'id, workspace_id, name, type, category, status, progress_total, progress_completed, progress_failed, ' +
  'created_at, completed_at, started_at, updated_at, run_at, priority, attempt, max_attempts, current_step, ' +
  'cancel_requested_at, error_code, error_message, cancel_requested_by, retry_of, retry_only, schedule_id';

/** How many values `rawToJob` reads; columns selected after `JOB_COLUMNS` start at this index. */
export const JOB_COLUMN_COUNT = JOB_COLUMNS.split(', ').length;

/**
 * The same mapping from a raw row (an array in `JOB_COLUMNS` order). A list page reads 20 rows of
 * 21 columns; arrays cost half what keyed row objects do in better-sqlite3, and reading them by
 * position (not through an intermediate keyed object) keeps every job the same hidden class.
 */
export function rawToJob(v: unknown[]): Job {
  const errorCode = v[19];
  return {
    id: String(v[0]),
    workspaceId: String(v[1]),
    name: String(v[2]),
    type: String(v[3]),
    category: String(v[4]),
    status: v[5] as JobStatus,
    progress: { total: num(v[6]), completed: num(v[7]), failed: num(v[8]) },
    createdAt: num(v[9]),
    completedAt: numOrNull(v[10]),
    startedAt: numOrNull(v[11]),
    updatedAt: num(v[12]),
    runAt: num(v[13]),
    priority: num(v[14]),
    attempt: num(v[15]),
    maxAttempts: num(v[16]),
    currentStep: strOrNull(v[17]),
    cancelRequestedAt: numOrNull(v[18]),
    cancelledBy: strOrNull(v[21]),
    retryOf: strOrNull(v[22]),
    retryOnly: v[23] === 'failed-items' ? 'failed-items' : null,
    scheduleId: strOrNull(v[24]),
    error: errorCode ? { code: String(errorCode), message: String(v[20] ?? '') } : null,
  };
}

export function rowToJob(r: Row): Job {
  return {
    id: String(r.id),
    workspaceId: String(r.workspace_id),
    name: String(r.name),
    type: String(r.type),
    category: String(r.category),
    status: r.status as JobStatus,
    progress: {
      total: num(r.progress_total),
      completed: num(r.progress_completed),
      failed: num(r.progress_failed),
    },
    createdAt: num(r.created_at),
    completedAt: numOrNull(r.completed_at),
    startedAt: numOrNull(r.started_at),
    updatedAt: num(r.updated_at),
    runAt: num(r.run_at),
    priority: num(r.priority),
    attempt: num(r.attempt),
    maxAttempts: num(r.max_attempts),
    currentStep: strOrNull(r.current_step),
    cancelRequestedAt: numOrNull(r.cancel_requested_at),
    cancelledBy: strOrNull(r.cancel_requested_by),
    retryOf: strOrNull(r.retry_of),
    retryOnly: r.retry_only === 'failed-items' ? 'failed-items' : null,
    scheduleId: strOrNull(r.schedule_id),
    error: r.error_code ? { code: String(r.error_code), message: String(r.error_message ?? '') } : null,
  };
}

export function rowToLog(r: Row): LogEntry {
  return {
    id: num(r.id),
    timestamp: num(r.created_at),
    level: r.level as LogEntry['level'],
    message: String(r.message),
    step: strOrNull(r.step),
    attempt: num(r.attempt),
  };
}

export function rowToStep(r: Row): StepRecord {
  const step: StepRecord = {
    name: String(r.name),
    status: r.status as StepRecord['status'],
    attempt: num(r.attempt),
    startedAt: num(r.started_at),
    completedAt: numOrNull(r.completed_at),
  };
  if (r.result !== null && r.result !== undefined) step.result = parseJson(r.result);
  return step;
}

export function rowToAttempt(r: Row): AttemptRecord {
  return {
    attempt: num(r.attempt),
    workerId: strOrNull(r.worker_id),
    startedAt: num(r.started_at),
    endedAt: numOrNull(r.ended_at),
    outcome: (r.outcome ?? null) as AttemptOutcome | null,
    error: strOrNull(r.error),
  };
}

export function rowToItem(r: Row): ItemRecord {
  return {
    step: String(r.step),
    key: String(r.key),
    status: r.status as ItemRecord['status'],
    error: strOrNull(r.error),
    attempt: num(r.attempt),
    updatedAt: num(r.updated_at),
  };
}

export function rowToEvent(r: Row): JobEvent {
  const data = (parseJson(r.data) ?? {}) as Record<string, unknown>;
  if (r.kind === 'log') {
    Object.assign(data, { level: r.level, message: r.message, step: r.step ?? null });
  }
  return {
    id: num(r.id),
    jobId: String(r.job_id),
    workspaceId: String(r.workspace_id),
    kind: r.kind as JobEvent['kind'],
    timestamp: num(r.created_at),
    data: Object.assign(data, { attempt: num(r.attempt) }),
  };
}

export function rowToApiKey(r: Row): ApiKeyRecord {
  return {
    id: String(r.id),
    workspaceId: String(r.workspace_id),
    workspaceName: String(r.workspace_id),
    name: String(r.name),
    scope: r.scope as ApiKeyRecord['scope'],
    prefix: String(r.prefix),
    createdAt: num(r.created_at),
    revokedAt: numOrNull(r.revoked_at),
    lastUsedAt: numOrNull(r.last_used_at),
  };
}

/** The columns `rowToSession` reads: a `sessions s` row joined to its key `k`. */
export const SESSION_COLUMNS =
  's.id, s.workspace_id, s.key_id, k.name AS key_name, k.scope, s.created_at, s.last_seen_at';

export function rowToSession(r: Row): SessionRecord {
  return {
    id: String(r.id),
    workspaceId: String(r.workspace_id),
    keyId: String(r.key_id),
    keyName: String(r.key_name),
    scope: r.scope as SessionRecord['scope'],
    createdAt: num(r.created_at),
    lastSeenAt: num(r.last_seen_at),
  };
}

/** Per (workspace, category) deltas of a status change, applied to job_counts in one statement each. */
export class CountDeltas {
  private readonly deltas = new Map<string, number>();

  add(workspaceId: string, category: string, status: JobStatus, delta: number): void {
    const key = `${workspaceId}\u0000${category}\u0000${status}`;
    this.deltas.set(key, (this.deltas.get(key) ?? 0) + delta);
  }

  move(workspaceId: string, category: string, from: JobStatus, to: JobStatus): void {
    if (from === to) return;
    this.add(workspaceId, category, from, -1);
    this.add(workspaceId, category, to, 1);
  }

  *entries(): Generator<{ workspaceId: string; category: string; status: JobStatus; delta: number }> {
    for (const [key, delta] of this.deltas) {
      if (delta === 0) continue;
      const [workspaceId, category, status] = key.split('\u0000') as [string, string, JobStatus];
      yield { workspaceId, category, status, delta };
    }
  }
}
