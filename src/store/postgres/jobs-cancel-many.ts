/**
 * Bulk cancel on PostgreSQL: each chunk is one transaction that locks the matching rows, oldest
 * first (`FOR NO KEY UPDATE`, as a single cancel does, so a finish or claim racing it resolves to
 * one outcome), then writes what single cancels of them would, as one write-set statement: status,
 * events, count moves. Workers of running jobs are told by one set-based `pg_notify` per chunk,
 * delivered at the commit.
 *
 * ```ts
 * await jobCancelMany(ctx, { workspaceId: 'ws1', filter: { statuses: ['pending'] }, by: 'ops' });
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
import { announce, nowParam, nowSql, type PgContext, read, transaction } from './context.ts';
import { WriteSet } from './write-set.ts';

/** The WHERE of the plan from parameter `$first` on, with its values. */
function where(plan: CancelManyPlan, workspaceId: string, first: number): { sql: string; values: unknown[] } {
  const values: unknown[] = [workspaceId, plan.statuses];
  const parts = [`workspace_id = $${first}`, `status = ANY($${first + 1}::text[])`];
  const add = (sql: (n: string) => string, value: unknown) => {
    values.push(value);
    parts.push(sql(`$${first + values.length - 1}`));
  };
  if (plan.categories) add((n) => `category = ANY(${n}::text[])`, plan.categories);
  if (plan.types) add((n) => `type = ANY(${n}::text[])`, plan.types);
  if (plan.createdBefore !== null) add((n) => `created_at < ${n}::bigint`, plan.createdBefore);
  if (plan.ids) add((n) => `id = ANY(${n}::text[])`, plan.ids);
  return { sql: parts.join(' AND '), values };
}

async function cancelChunk(
  ctx: PgContext,
  p: { workspaceId: string; plan: CancelManyPlan; by: string | null; n: number },
): Promise<number> {
  let ws = new WriteSet();
  let running: string[] = [];
  let count = 0;
  await transaction(ctx, async (tx) => {
    // Afresh on each run: a deadlock runs this again (see `transaction`).
    ws = new WriteSet();
    running = [];
    const w = where(p.plan, p.workspaceId, 3);
    const rows = await tx.query({
      text: `SELECT id, workspace_id, category, status, attempt, ${nowSql(1)} AS now FROM jobs
             WHERE ${w.sql} ORDER BY seq LIMIT $2 FOR NO KEY UPDATE`,
      values: [nowParam(ctx), p.n, ...w.values],
    });
    count = rows.length;
    if (rows.length === 0) return;
    const ids: string[] = [];
    for (const r of rows) {
      const now = Number(r.now);
      const jobId = String(r.id);
      const from = r.status as JobStatus & ('pending' | 'running');
      const effect = cancelEffect(from, now);
      ids.push(jobId);
      if (effect.tellWorker) running.push(jobId);
      const u = ws.job(jobId, now);
      u.status = 'cancelled';
      u.cancelRequestedAt = now;
      u.completedAt = effect.completedAt;
      ws.deltas.move(String(r.workspace_id), String(r.category), from, 'cancelled');
      ws.event({
        workspaceId: String(r.workspace_id),
        jobId,
        kind: 'status',
        attempt: Number(r.attempt),
        now,
        data: { status: 'cancelled', cancelRequestedAt: now, completedAt: effect.completedAt },
      });
    }
    if (p.by !== null)
      await tx.query({
        text: 'UPDATE jobs SET cancel_requested_by = $1 WHERE id = ANY($2::text[])',
        values: [p.by, ids],
      });
    // In the transaction, as a single cancel does: PostgreSQL delivers these at the commit.
    if (running.length > 0)
      await tx.query({
        text: `SELECT count(pg_notify($1, $2 || ':' || id)) FROM unnest($3::text[]) id`,
        values: [ctx.channels.cancel, ctx.instanceId, running],
      });
    await tx.queryAndCommit(ws.toQuery(ctx));
  });
  // The NOTIFYs above told other processes; this process's own listeners hear it here.
  for (const id of running) ctx.local.jobCancelled(id);
  if (count > running.length) announce(ctx, { channel: 'events' });
  else if (count > 0) ctx.local.eventsAdded();
  return count;
}

export async function jobCancelMany(
  ctx: PgContext,
  p: { workspaceId: string; filter: CancelManyFilter; limit?: number; by?: string },
): Promise<{ cancelled: number; more: boolean }> {
  const plan = planCancelMany(p.filter, p.limit);
  const by = p.by ?? null;
  return runCancelMany(
    plan,
    (n) => cancelChunk(ctx, { workspaceId: p.workspaceId, plan, by, n }),
    async () => {
      const w = where(plan, p.workspaceId, 1);
      return (
        (await read(ctx, { text: `SELECT 1 FROM jobs WHERE ${w.sql} LIMIT 1`, values: w.values })).length > 0
      );
    },
  );
}
