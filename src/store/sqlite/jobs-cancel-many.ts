/**
 * Bulk cancel on SQLite: each chunk is one `UPDATE … RETURNING` over the matching jobs, oldest
 * first, in one write transaction, followed by what a single cancel records per job (its status
 * event, the count moves) and, after the commit, the cancel signal of every job that was running.
 *
 * ```ts
 * await jobCancelMany(ctx, { workspaceId: 'ws1', filter: { types: ['sync.pull'] }, by: 'ops' });
 * ```
 */
import type { JobStatus } from '../../core/status.ts';
import {
  type CancelManyFilter,
  type CancelManyPlan,
  cancelEffect,
  planCancelMany,
  runCancelMany,
} from '../cancel-rules.ts';
import type { Row } from '../rows.ts';
import { applyCountDeltas, CountDeltas, insertEvent, type SqliteContext } from './context.ts';
import { op } from './db.ts';

/** The WHERE of the plan, its lists passed as JSON arrays (one parameter however long). */
function where(plan: CancelManyPlan): { sql: string; args: unknown[] } {
  // The statuses come from a fixed set (planCancelMany), so they are spelled into the SQL.
  const parts = [`workspace_id = ?`, `status IN (${plan.statuses.map((s) => `'${s}'`).join(', ')})`];
  const args: unknown[] = [];
  if (plan.categories) {
    parts.push('category IN (SELECT value FROM json_each(?))');
    args.push(JSON.stringify(plan.categories));
  }
  if (plan.types) {
    parts.push('type IN (SELECT value FROM json_each(?))');
    args.push(JSON.stringify(plan.types));
  }
  if (plan.createdBefore !== null) {
    parts.push('created_at < ?');
    args.push(plan.createdBefore);
  }
  if (plan.ids) {
    parts.push('id IN (SELECT value FROM json_each(?))');
    args.push(JSON.stringify(plan.ids));
  }
  return { sql: parts.join(' AND '), args };
}

function cancelChunk(
  ctx: SqliteContext,
  p: { workspaceId: string; plan: CancelManyPlan; by: string | null; n: number },
): number {
  const w = where(p.plan);
  const running: string[] = [];
  const count = ctx.write((now) => {
    const rows = ctx.sql
      .get(
        `UPDATE jobs SET status = 'cancelled', cancel_requested_at = ?, cancel_requested_by = ?, updated_at = ?,
           completed_at = CASE WHEN status = 'pending' THEN ? ELSE NULL END
         WHERE seq IN (SELECT seq FROM jobs WHERE ${w.sql} ORDER BY seq LIMIT ?)
         RETURNING id, workspace_id, category, attempt, completed_at`,
      )
      .all(now, p.by, now, now, p.workspaceId, ...w.args, p.n) as Row[];
    const deltas = new CountDeltas();
    for (const r of rows) {
      // RETURNING shows the row after the update: a pending job got its completed_at, a running one did not.
      const from: JobStatus & ('pending' | 'running') = r.completed_at === null ? 'running' : 'pending';
      const effect = cancelEffect(from, now);
      const jobId = String(r.id);
      if (effect.tellWorker) running.push(jobId);
      deltas.move(String(r.workspace_id), String(r.category), from, 'cancelled');
      insertEvent(ctx, {
        workspaceId: String(r.workspace_id),
        jobId,
        kind: 'status',
        attempt: Number(r.attempt),
        now,
        data: { status: 'cancelled', cancelRequestedAt: now, completedAt: effect.completedAt },
      });
    }
    applyCountDeltas(ctx, deltas);
    return rows.length;
  });
  for (const id of running) ctx.afterCommit.jobCancelled(id);
  if (count > 0) ctx.afterCommit.eventsAdded();
  return count;
}

export async function jobCancelMany(
  ctx: SqliteContext,
  p: { workspaceId: string; filter: CancelManyFilter; limit?: number; by?: string },
): Promise<{ cancelled: number; more: boolean }> {
  const plan = planCancelMany(p.filter, p.limit);
  const by = p.by ?? null;
  const chunk = op((n: number) => cancelChunk(ctx, { workspaceId: p.workspaceId, plan, by, n }));
  const remains = op(() => {
    const w = where(plan);
    return ctx.read(
      () =>
        ctx.sql.get(`SELECT 1 FROM jobs WHERE ${w.sql} LIMIT 1`).get(p.workspaceId, ...w.args) !== undefined,
    );
  });
  return runCancelMany(
    plan,
    (n) => chunk(n),
    () => remains(),
  );
}
