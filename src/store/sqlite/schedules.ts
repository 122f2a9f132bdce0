/** Schedules on SQLite (core/schedule.ts has the rules, store/schedule-rows.ts the shared mapping). */
import type { Row } from '../rows.ts';
import { codeDefinitionChanged, definitionValues, patchColumns, rowToSchedule } from '../schedule-rows.ts';
import type { NewSchedule, SchedulePatch, ScheduleRecord } from '../schedule-types.ts';
import type { SqliteContext } from './context.ts';

const SELECT_ONE = 'SELECT * FROM schedules WHERE id = ? AND workspace_id = ?';

function insert(ctx: SqliteContext, s: NewSchedule, now: number): void {
  ctx.sql
    .get(
      `INSERT INTO schedules (id, workspace_id, name, type, input, cron, timezone, overlap, catch_up, paused,
         source, next_fire_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(s.id, s.workspaceId, ...definitionValues(s), s.paused ? 1 : 0, s.source, s.nextFireAt, now, now);
}

function getOne(ctx: SqliteContext, workspaceId: string, id: string): ScheduleRecord | null {
  const row = ctx.sql.get(SELECT_ONE).get(id, workspaceId) as Row | undefined;
  return row ? rowToSchedule(row) : null;
}

export function scheduleCreate(ctx: SqliteContext, p: { schedule: NewSchedule }): ScheduleRecord {
  return ctx.write((now) => {
    insert(ctx, p.schedule, now);
    return getOne(ctx, p.schedule.workspaceId, p.schedule.id)!;
  });
}

export function scheduleUpsert(
  ctx: SqliteContext,
  p: { schedule: NewSchedule },
): { schedule: ScheduleRecord; changed: boolean } {
  const s = p.schedule;
  return ctx.write((now) => {
    const stored = getOne(ctx, s.workspaceId, s.id);
    if (!stored) {
      insert(ctx, s, now);
      return { schedule: getOne(ctx, s.workspaceId, s.id)!, changed: true };
    }
    if (!codeDefinitionChanged(stored, s)) return { schedule: stored, changed: false };
    ctx.sql
      .get(
        `UPDATE schedules SET name = ?, type = ?, input = ?, cron = ?, timezone = ?, overlap = ?, catch_up = ?,
           source = ?, next_fire_at = ?, updated_at = ? WHERE id = ? AND workspace_id = ?`,
      )
      .run(...definitionValues(s), s.source, s.nextFireAt, now, s.id, s.workspaceId);
    return { schedule: getOne(ctx, s.workspaceId, s.id)!, changed: true };
  });
}

export function scheduleGet(
  ctx: SqliteContext,
  p: { workspaceId: string; id: string },
): ScheduleRecord | null {
  return getOne(ctx, p.workspaceId, p.id);
}

export function scheduleList(
  ctx: SqliteContext,
  p: { workspaceId: string; limit: number },
): ScheduleRecord[] {
  const rows = ctx.sql
    .get('SELECT * FROM schedules WHERE workspace_id = ? ORDER BY created_at, id LIMIT ?')
    .all(p.workspaceId, p.limit) as Row[];
  return rows.map(rowToSchedule);
}

export function scheduleUpdate(
  ctx: SqliteContext,
  p: { workspaceId: string; id: string; patch: SchedulePatch },
): ScheduleRecord | null {
  const cols = patchColumns(p.patch, (b) => (b ? 1 : 0));
  return ctx.write((now) => {
    const set = [...cols.map((c) => `${c.column} = ?`), 'updated_at = ?'].join(', ');
    const info = ctx.db
      .prepare(`UPDATE schedules SET ${set} WHERE id = ? AND workspace_id = ?`)
      .run(...cols.map((c) => c.value), now, p.id, p.workspaceId);
    return info.changes > 0 ? getOne(ctx, p.workspaceId, p.id) : null;
  });
}

export function scheduleDelete(ctx: SqliteContext, p: { workspaceId: string; id: string }): boolean {
  return ctx.write(
    () =>
      ctx.sql.get('DELETE FROM schedules WHERE id = ? AND workspace_id = ?').run(p.id, p.workspaceId)
        .changes > 0,
  );
}

export function scheduleDue(
  ctx: SqliteContext,
  p: { now: number; types: string[]; limit: number },
): ScheduleRecord[] {
  if (p.types.length === 0) return [];
  const rows = ctx.sql
    .get(
      `SELECT * FROM schedules WHERE paused = 0 AND next_fire_at IS NOT NULL AND next_fire_at <= ?
         AND type IN (SELECT value FROM json_each(?)) ORDER BY next_fire_at LIMIT ?`,
    )
    .all(p.now, JSON.stringify(p.types), p.limit) as Row[];
  return rows.map(rowToSchedule);
}

export function scheduleAdvance(
  ctx: SqliteContext,
  p: { id: string; from: number; to: number | null; lastFire: { at: number; jobId: string } | null },
): boolean {
  return ctx.write((now) => {
    const info = p.lastFire
      ? ctx.sql
          .get(
            `UPDATE schedules SET next_fire_at = ?, last_fire_at = ?, last_job_id = ?, updated_at = ?
             WHERE id = ? AND next_fire_at = ?`,
          )
          .run(p.to, p.lastFire.at, p.lastFire.jobId, now, p.id, p.from)
      : ctx.sql
          .get('UPDATE schedules SET next_fire_at = ?, updated_at = ? WHERE id = ? AND next_fire_at = ?')
          .run(p.to, now, p.id, p.from);
    return info.changes > 0;
  });
}

export function scheduleActiveJobs(
  ctx: SqliteContext,
  p: { workspaceId: string; scheduleId: string; exceptKey?: string },
): string[] {
  return ctx.sql
    .get(
      `SELECT id FROM jobs WHERE schedule_id = ? AND status IN ('pending', 'running') AND workspace_id = ?
         AND idempotency_key IS NOT ? ORDER BY seq`,
    )
    .pluck()
    .all(p.scheduleId, p.workspaceId, p.exceptKey ?? null) as unknown as string[];
}
