import type { Clock } from '../../core/clock.ts';
import { CountDeltas } from '../rows.ts';
import type { Db, StatementCache } from './db.ts';

export interface SqliteContext {
  db: Db;
  sql: StatementCache;
  clock: Clock;
  maxLogsPerJob: number;
  /** Runs `fn` in a `BEGIN IMMEDIATE` transaction, inserts the events it queued, and counts it. */
  /**
   * Runs `fn` in a write transaction. `now` is the database clock read once the write lock is
   * held: a time read before `BEGIN IMMEDIATE` could precede the commit by a whole busy wait, and
   * a cancel's `cancel_requested_at` would then claim a moment before other writers could see it.
   */
  write<T>(fn: (now: number) => T): T;
  /** Runs reads in this turn of the event loop's shared snapshot (read-snapshot.ts). */
  read<T>(fn: () => T): T;
  pendingEvents: EventRow[];
  /** Attempt rows queued like events: (job_id, attempt, workspace_id, worker_id, started_at, ended_at, outcome, error). */
  pendingAttempts: unknown[][];
  /** Called after a committed write that may make work claimable or adds events. */
  afterCommit: { jobsAvailable(): void; jobCancelled(id: string): void; eventsAdded(): void };
}

export function applyCountDeltas(ctx: SqliteContext, deltas: CountDeltas): void {
  const stmt = ctx.sql.get(
    `INSERT INTO job_counts (workspace_id, category, status, n) VALUES (?, ?, ?, ?)
     ON CONFLICT (workspace_id, category, status) DO UPDATE SET n = n + excluded.n`,
  );
  for (const d of deltas.entries()) stmt.run(d.workspaceId, d.category, d.status, d.delta);
}

export interface EventRow {
  workspaceId: string;
  jobId: string;
  kind: 'status' | 'progress' | 'step' | 'log';
  attempt: number;
  now: number;
  /** The event's data; a string is taken as already-serialised JSON (shared by a whole batch). */
  data?: Record<string, unknown> | string | null;
  level?: string | null;
  step?: string | null;
  message?: string | null;
}

/** Queues an event row; `write()` inserts the queue before it commits, in order, many rows per statement. */
export function insertEvent(ctx: SqliteContext, e: EventRow): void {
  ctx.pendingEvents.push(e);
}

const EVENT_COLUMNS = 'workspace_id, job_id, kind, level, step, attempt, message, data, created_at';
const ATTEMPT_COLUMNS = 'job_id, attempt, workspace_id, worker_id, started_at, ended_at, outcome, error';

/**
 * Inserts queued rows in multi-row statements of 100, 10 and 1 rows (three cached statements serve
 * any count). `fill` writes row `i`'s values into the flat argument array at `at`, so a batch of
 * events costs one array per statement rather than one per row.
 */
function insertRows<T>(
  ctx: SqliteContext,
  table: string,
  columns: string,
  rows: T[],
  fill: (args: unknown[], at: number, row: T) => void,
): void {
  if (rows.length === 0) return;
  const width = columns.split(',').length;
  const one = `(${Array(width).fill('?').join(', ')})`;
  let i = 0;
  for (const chunk of [100, 10, 1]) {
    if (rows.length - i < chunk) continue;
    const stmt = ctx.sql.get(`INSERT INTO ${table} (${columns}) VALUES ${Array(chunk).fill(one).join(', ')}`);
    const args: unknown[] = new Array(chunk * width);
    for (; rows.length - i >= chunk; i += chunk) {
      for (let k = 0; k < chunk; k++) fill(args, k * width, rows[i + k] as T);
      stmt.run(args);
    }
  }
}

function fillEvent(args: unknown[], at: number, e: EventRow): void {
  args[at] = e.workspaceId;
  args[at + 1] = e.jobId;
  args[at + 2] = e.kind;
  args[at + 3] = e.level ?? null;
  args[at + 4] = e.step ?? null;
  args[at + 5] = e.attempt;
  args[at + 6] = e.message ?? null;
  args[at + 7] = typeof e.data === 'string' ? e.data : e.data ? JSON.stringify(e.data) : null;
  args[at + 8] = e.now;
}

function fillAttempt(args: unknown[], at: number, row: unknown[]): void {
  for (let k = 0; k < row.length; k++) args[at + k] = row[k];
}

/** Writes the rows a transaction queued; `write()` calls it just before commit. */
export function flushQueuedRows(ctx: SqliteContext): void {
  const events = ctx.pendingEvents;
  const attempts = ctx.pendingAttempts;
  ctx.pendingEvents = [];
  ctx.pendingAttempts = [];
  insertRows(ctx, 'job_events', EVENT_COLUMNS, events, fillEvent);
  insertRows(ctx, 'job_attempts', ATTEMPT_COLUMNS, attempts, fillAttempt);
}

export { CountDeltas };
