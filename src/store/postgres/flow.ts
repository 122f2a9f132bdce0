/**
 * Paused job types on PostgreSQL: a row per paused (workspace, type). Claims skip their pending
 * jobs (`claim_candidates` in 007_flow_control.sql, and the limited claim's candidate query);
 * a resume announces work so idle workers claim at once.
 *
 * ```ts
 * await jobTypePause(ctx, { workspaceId: 'w', type: 'sync.run', by: 'ops' });
 * ```
 */
import type { Row } from '../rows.ts';
import type { JobTypePause } from '../types.ts';
import { announce, nowParam, nowSql, type PgContext, read, writeOne } from './context.ts';

function toPause(r: Row): JobTypePause {
  return {
    type: String(r.type),
    pausedAt: Number(r.paused_at),
    pausedBy: r.paused_by === null ? null : String(r.paused_by),
  };
}

/** A repeated pause keeps the first one's time and author: ON CONFLICT answers the stored row. */
export async function jobTypePause(
  ctx: PgContext,
  p: { workspaceId: string; type: string; by?: string },
): Promise<JobTypePause> {
  const rows = await writeOne(ctx, {
    text: `WITH ins AS (
             INSERT INTO job_type_pauses (workspace_id, type, paused_at, paused_by)
             VALUES ($2, $3, ${nowSql(1)}, $4) ON CONFLICT (workspace_id, type) DO NOTHING
             RETURNING type, paused_at, paused_by)
           SELECT * FROM ins
           UNION ALL
           SELECT type, paused_at, paused_by FROM job_type_pauses
           WHERE workspace_id = $2 AND type = $3 AND NOT EXISTS (SELECT 1 FROM ins)`,
    values: [nowParam(ctx), p.workspaceId, p.type, p.by ?? null],
  });
  const row = rows[0];
  // Only a resume committing between the INSERT's conflict and the SELECT leaves nothing: pause again.
  if (!row) return jobTypePause(ctx, p);
  return toPause(row);
}

export async function jobTypeResume(
  ctx: PgContext,
  p: { workspaceId: string; type: string },
): Promise<boolean> {
  const rows = await writeOne(ctx, {
    text: 'DELETE FROM job_type_pauses WHERE workspace_id = $1 AND type = $2 RETURNING type',
    values: [p.workspaceId, p.type],
  });
  if (rows.length > 0) announce(ctx, { channel: 'jobs' });
  return rows.length > 0;
}

export async function jobTypePauseList(ctx: PgContext, p: { workspaceId: string }): Promise<JobTypePause[]> {
  const rows = await read(ctx, {
    text: 'SELECT type, paused_at, paused_by FROM job_type_pauses WHERE workspace_id = $1 ORDER BY type',
    values: [p.workspaceId],
  });
  return rows.map(toPause);
}
