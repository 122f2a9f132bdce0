/**
 * Flow control on SQLite: paused job types and the claim path of types with concurrency limits
 * (the rules are store/concurrency.ts's). A claim runs in a write transaction, and SQLite has one
 * writer at a time across every process on the file, so counting a slot's holders and starting jobs
 * into it can never interleave with another claim: no lock of our own is needed.
 *
 * ```ts
 * jobTypePause(ctx, { workspaceId: 'w', type: 'sync.run' }); // claims now skip its pending jobs
 * ```
 */
import { candidateWindow, fullSlots, heldSlots, pickWithinLimits, SLOT_SEPARATOR } from '../concurrency.ts';
import type { Row } from '../rows.ts';
import type { ClaimLimit, JobTypePause } from '../types.ts';
import type { SqliteContext } from './context.ts';

/** One probe of a table that is empty unless someone paused a type: the usual claim's only extra cost. */
export function anyPaused(ctx: SqliteContext): boolean {
  return ctx.sql.get('SELECT 1 FROM job_type_pauses LIMIT 1').get() !== undefined;
}

const NOT_PAUSED =
  'NOT EXISTS (SELECT 1 FROM job_type_pauses p WHERE p.workspace_id = jobs.workspace_id AND p.type = jobs.type)';
const KEYED_SLOT = `jobs.type || char(${SLOT_SEPARATOR.charCodeAt(0)}) || jobs.workspace_id || char(${SLOT_SEPARATOR.charCodeAt(0)}) || jobs.concurrency_key`;

/**
 * The seqs a claim starts when a claimed type has a limit or some type is paused: counts the
 * leased jobs of the limited types (jobs_lease holds only those), leaves out paused types and full
 * slots, reads a window of candidates in claim order and picks within the limits. An empty answer
 * means nothing can start now; the worker waits for the next wake-up, as when the queue is empty.
 */
export function pickFlowControlled(
  ctx: SqliteContext,
  p: { limit: number; types: string[] },
  limits: Map<string, ClaimLimit> | null,
  now: number,
): number[] {
  let types = p.types;
  let held = new Map<string, number>();
  let keyedFull: string[] = [];
  if (limits) {
    const limited = [...limits.keys()];
    const rows = ctx.sql
      .get(
        `SELECT type, workspace_id, concurrency_key, count(*) AS n FROM jobs INDEXED BY jobs_lease
         WHERE lease_token IS NOT NULL AND type IN (${limited.map(() => '?').join(', ')})
         GROUP BY type, workspace_id, concurrency_key`,
      )
      .all(...limited) as Row[];
    held = heldSlots(
      rows.map((r) => ({
        type: String(r.type),
        workspaceId: String(r.workspace_id),
        concurrencyKey: r.concurrency_key === null ? null : String(r.concurrency_key),
        n: Number(r.n),
      })),
      limits,
    );
    const full = fullSlots(held, limits);
    types = types.filter((t) => !full.types.has(t));
    keyedFull = full.keyed;
  }
  if (types.length === 0) return [];
  const candidates = ctx.sql
    .get(
      `SELECT seq, workspace_id, type, concurrency_key FROM jobs
       WHERE status = 'pending' AND run_at <= ? AND type IN (${types.map(() => '?').join(', ')}) AND ${NOT_PAUSED}
         AND (concurrency_key IS NULL OR ${KEYED_SLOT} NOT IN (SELECT value FROM json_each(?)))
       ORDER BY priority DESC, run_at, seq LIMIT ?`,
    )
    .all(now, ...types, JSON.stringify(keyedFull), limits ? candidateWindow(p.limit) : p.limit) as Row[];
  const facts = candidates.map((r) => ({
    seq: Number(r.seq),
    type: String(r.type),
    workspaceId: String(r.workspace_id),
    concurrencyKey: r.concurrency_key === null ? null : String(r.concurrency_key),
  }));
  const picked = limits ? pickWithinLimits(facts, held, limits, p.limit) : facts;
  return picked.map((c) => c.seq);
}

function toPause(r: Row): JobTypePause {
  return {
    type: String(r.type),
    pausedAt: Number(r.paused_at),
    pausedBy: r.paused_by === null ? null : String(r.paused_by),
  };
}

export function jobTypePause(
  ctx: SqliteContext,
  p: { workspaceId: string; type: string; by?: string },
): JobTypePause {
  return ctx.write((now) => {
    ctx.sql
      .get(
        `INSERT INTO job_type_pauses (workspace_id, type, paused_at, paused_by) VALUES (?, ?, ?, ?)
         ON CONFLICT (workspace_id, type) DO NOTHING`,
      )
      .run(p.workspaceId, p.type, now, p.by ?? null);
    return toPause(
      ctx.sql
        .get('SELECT type, paused_at, paused_by FROM job_type_pauses WHERE workspace_id = ? AND type = ?')
        .get(p.workspaceId, p.type) as Row,
    );
  });
}

export function jobTypeResume(ctx: SqliteContext, p: { workspaceId: string; type: string }): boolean {
  const removed = ctx.write(
    () =>
      ctx.sql
        .get('DELETE FROM job_type_pauses WHERE workspace_id = ? AND type = ?')
        .run(p.workspaceId, p.type).changes > 0,
  );
  if (removed) ctx.afterCommit.jobsAvailable();
  return removed;
}

export function jobTypePauseList(ctx: SqliteContext, p: { workspaceId: string }): JobTypePause[] {
  return (
    ctx.sql
      .get('SELECT type, paused_at, paused_by FROM job_type_pauses WHERE workspace_id = ? ORDER BY type')
      .all(p.workspaceId) as Row[]
  ).map(toPause);
}
