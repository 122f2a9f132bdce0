/** Schedules on PostgreSQL (core/schedule.ts has the rules, store/schedule-rows.ts the shared mapping). */
import { codeDefinitionChanged, definitionValues, patchColumns, rowToSchedule } from '../schedule-rows.ts';
import type { NewSchedule, SchedulePatch, ScheduleRecord } from '../schedule-types.ts';
import { nowParam, nowSql, type PgContext, read, transaction, writeOne } from './context.ts';

const INSERT_SQL = `INSERT INTO schedules (id, workspace_id, name, type, input, cron, timezone, overlap, catch_up,
    paused, source, next_fire_at, created_at, updated_at)
  VALUES ($2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, ${nowSql(1)}, ${nowSql(1)})`;

function insertValues(ctx: PgContext, s: NewSchedule): unknown[] {
  return [nowParam(ctx), s.id, s.workspaceId, ...definitionValues(s), s.paused, s.source, s.nextFireAt];
}

export async function scheduleCreate(ctx: PgContext, p: { schedule: NewSchedule }): Promise<ScheduleRecord> {
  const [row] = await writeOne(ctx, {
    text: `${INSERT_SQL} RETURNING *`,
    values: insertValues(ctx, p.schedule),
  });
  if (!row) throw new Error('schedule insert returned no row');
  return rowToSchedule(row);
}

/** Insert-if-absent first, so two workers starting at once do not both insert; then compare under a row lock. */
export async function scheduleUpsert(
  ctx: PgContext,
  p: { schedule: NewSchedule },
): Promise<{ schedule: ScheduleRecord; changed: boolean }> {
  const s = p.schedule;
  return transaction(ctx, async (tx) => {
    const [inserted] = await tx.query({
      text: `${INSERT_SQL} ON CONFLICT (id) DO NOTHING RETURNING *`,
      values: insertValues(ctx, s),
    });
    if (inserted) return { schedule: rowToSchedule(inserted), changed: true };
    const [row] = await tx.query({
      text: 'SELECT * FROM schedules WHERE id = $1 AND workspace_id = $2 FOR UPDATE',
      values: [s.id, s.workspaceId],
    });
    if (!row) throw new Error(`schedule ${s.id} belongs to another workspace`);
    const stored = rowToSchedule(row);
    if (!codeDefinitionChanged(stored, s)) return { schedule: stored, changed: false };
    const [updated] = await tx.query({
      text: `UPDATE schedules SET name = $2, type = $3, input = $4, cron = $5, timezone = $6, overlap = $7,
               catch_up = $8, source = $9, next_fire_at = $10, updated_at = ${nowSql(1)}
             WHERE id = $11 RETURNING *`,
      values: [nowParam(ctx), ...definitionValues(s), s.source, s.nextFireAt, s.id],
    });
    return { schedule: rowToSchedule(updated!), changed: true };
  });
}

export async function scheduleGet(
  ctx: PgContext,
  p: { workspaceId: string; id: string },
): Promise<ScheduleRecord | null> {
  const [row] = await read(ctx, {
    text: 'SELECT * FROM schedules WHERE id = $1 AND workspace_id = $2',
    values: [p.id, p.workspaceId],
  });
  return row ? rowToSchedule(row) : null;
}

export async function scheduleList(
  ctx: PgContext,
  p: { workspaceId: string; limit: number },
): Promise<ScheduleRecord[]> {
  const rows = await read(ctx, {
    text: 'SELECT * FROM schedules WHERE workspace_id = $1 ORDER BY created_at, id COLLATE "C" LIMIT $2',
    values: [p.workspaceId, p.limit],
  });
  return rows.map(rowToSchedule);
}

export async function scheduleUpdate(
  ctx: PgContext,
  p: { workspaceId: string; id: string; patch: SchedulePatch },
): Promise<ScheduleRecord | null> {
  const cols = patchColumns(p.patch, (b) => b);
  const set = cols.map((c, i) => `${c.column} = $${i + 4}`);
  const [row] = await writeOne(ctx, {
    text: `UPDATE schedules SET ${[...set, `updated_at = ${nowSql(1)}`].join(', ')}
           WHERE id = $2 AND workspace_id = $3 RETURNING *`,
    values: [nowParam(ctx), p.id, p.workspaceId, ...cols.map((c) => c.value)],
  });
  return row ? rowToSchedule(row) : null;
}

export async function scheduleDelete(
  ctx: PgContext,
  p: { workspaceId: string; id: string },
): Promise<boolean> {
  const rows = await writeOne(ctx, {
    text: 'DELETE FROM schedules WHERE id = $1 AND workspace_id = $2 RETURNING id',
    values: [p.id, p.workspaceId],
  });
  return rows.length > 0;
}

export async function scheduleDue(
  ctx: PgContext,
  p: { now: number; types: string[]; limit: number },
): Promise<ScheduleRecord[]> {
  if (p.types.length === 0) return [];
  const rows = await read(ctx, {
    name: 'longrun_schedule_due',
    text: `SELECT * FROM schedules WHERE NOT paused AND next_fire_at IS NOT NULL AND next_fire_at <= $1
             AND type = ANY($2::text[]) ORDER BY next_fire_at LIMIT $3`,
    values: [p.now, p.types, p.limit],
  });
  return rows.map(rowToSchedule);
}

export async function scheduleAdvance(
  ctx: PgContext,
  p: { id: string; from: number; to: number | null; lastFire: { at: number; jobId: string } | null },
): Promise<boolean> {
  const rows = await writeOne(ctx, {
    text: `UPDATE schedules SET next_fire_at = $4, updated_at = ${nowSql(1)},
             last_fire_at = coalesce($5, last_fire_at), last_job_id = coalesce($6, last_job_id)
           WHERE id = $2 AND next_fire_at = $3 RETURNING id`,
    values: [nowParam(ctx), p.id, p.from, p.to, p.lastFire?.at ?? null, p.lastFire?.jobId ?? null],
  });
  return rows.length > 0;
}

export async function scheduleActiveJobs(
  ctx: PgContext,
  p: { workspaceId: string; scheduleId: string; exceptKey?: string },
): Promise<string[]> {
  const rows = await read(ctx, {
    text: `SELECT id FROM jobs WHERE schedule_id = $1 AND status IN ('pending', 'running') AND workspace_id = $2
             AND idempotency_key IS DISTINCT FROM $3 ORDER BY seq`,
    values: [p.scheduleId, p.workspaceId, p.exceptKey ?? null],
  });
  return rows.map((r) => String(r.id));
}
