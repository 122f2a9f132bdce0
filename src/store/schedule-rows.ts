/**
 * Schedule rows ↔ records, and the decisions both stores take alike about them: which columns a
 * patch writes, and when a code schedule's upsert changes its definition.
 *
 * ```ts
 * const record = rowToSchedule(row); // from either store's `SELECT * FROM schedules`
 * ```
 */
import type { CatchUpMode, OverlapMode } from '../core/schedule.ts';
import { num, numOrNull, parseJson, type Row } from './rows.ts';
import type { NewSchedule, SchedulePatch, ScheduleRecord } from './schedule-types.ts';

export function rowToSchedule(r: Row): ScheduleRecord {
  return {
    id: String(r.id),
    workspaceId: String(r.workspace_id),
    name: r.name === null || r.name === undefined ? null : String(r.name),
    type: String(r.type),
    input: parseJson(r.input),
    cron: String(r.cron),
    timezone: String(r.timezone),
    overlap: r.overlap as OverlapMode,
    catchUp: r.catch_up as CatchUpMode,
    paused: r.paused === true || r.paused === 1,
    source: r.source as ScheduleRecord['source'],
    nextFireAt: numOrNull(r.next_fire_at),
    lastFireAt: numOrNull(r.last_fire_at),
    lastJobId: r.last_job_id === null || r.last_job_id === undefined ? null : String(r.last_job_id),
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at),
  };
}

/** Patch field → column, with the value as the column stores it (`paused` as the store's boolean). */
export function patchColumns(
  patch: SchedulePatch,
  bool: (b: boolean) => unknown,
): { column: string; value: unknown }[] {
  const out: { column: string; value: unknown }[] = [];
  const put = (column: string, value: unknown) => out.push({ column, value });
  if (patch.name !== undefined) put('name', patch.name);
  if (patch.input !== undefined) put('input', JSON.stringify(patch.input));
  if (patch.cron !== undefined) put('cron', patch.cron);
  if (patch.timezone !== undefined) put('timezone', patch.timezone);
  if (patch.overlap !== undefined) put('overlap', patch.overlap);
  if (patch.catchUp !== undefined) put('catch_up', patch.catchUp);
  if (patch.paused !== undefined) put('paused', bool(patch.paused));
  if (patch.nextFireAt !== undefined) put('next_fire_at', patch.nextFireAt);
  return out;
}

/**
 * Whether a code schedule's declaration differs from what is stored: then the stored definition
 * is replaced and its cursor restarts from the new one. `paused` is the operator's, never the code's.
 */
export function codeDefinitionChanged(stored: ScheduleRecord, declared: NewSchedule): boolean {
  return (
    stored.cron !== declared.cron ||
    stored.timezone !== declared.timezone ||
    stored.overlap !== declared.overlap ||
    stored.catchUp !== declared.catchUp ||
    stored.name !== declared.name ||
    stored.source !== 'code' ||
    JSON.stringify(stored.input) !== JSON.stringify(declared.input)
  );
}

/**
 * A schedule's definition as SQL values, in the column order both stores write it on insert and
 * on a code schedule's upsert: name, type, input, cron, timezone, overlap, catch_up.
 */
export function definitionValues(s: NewSchedule): unknown[] {
  return [s.name, s.type, JSON.stringify(s.input ?? null), s.cron, s.timezone, s.overlap, s.catchUp];
}
