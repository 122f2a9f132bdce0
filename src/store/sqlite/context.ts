import type { Clock } from '../../core/clock.ts';
import { CountDeltas } from '../rows.ts';
import type { Db, StatementCache } from './db.ts';

export interface SqliteContext {
  db: Db;
  sql: StatementCache;
  clock: Clock;
  maxLogsPerJob: number;
  /** Runs `fn` in a `BEGIN IMMEDIATE` transaction and counts it. */
  write<T>(fn: () => T): T;
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

export function insertEvent(
  ctx: SqliteContext,
  e: {
    workspaceId: string;
    jobId: string;
    kind: 'status' | 'progress' | 'step' | 'log';
    attempt: number;
    now: number;
    data?: Record<string, unknown> | null;
    level?: string | null;
    step?: string | null;
    message?: string | null;
  },
): void {
  ctx.sql
    .get(
      `INSERT INTO job_events (workspace_id, job_id, kind, level, step, attempt, message, data, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      e.workspaceId,
      e.jobId,
      e.kind,
      e.level ?? null,
      e.step ?? null,
      e.attempt,
      e.message ?? null,
      e.data ? JSON.stringify(e.data) : null,
      e.now,
    );
}

export { CountDeltas };
