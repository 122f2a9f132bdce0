/**
 * A schedule's public JSON shape (docs/api.md, "Schedules"): the API documents and serialises with
 * it, and the client's `Schedule` types are inferred from it.
 *
 * ```ts
 * const json = toScheduleJson(record); // what GET /api/v1/schedules/:id answers, less nextFireTimes
 * ```
 */
import { z } from 'zod';
import { ms } from './job-schema.ts';
import { CATCH_UP_MODES, OVERLAP_MODES } from './schedule.ts';

export const ScheduleSchema = z
  .object({
    id: z.string(),
    name: z.string().nullable(),
    type: z.string(),
    input: z.unknown(),
    cron: z.string().describe('five fields: minute hour day-of-month month day-of-week'),
    timezone: z.string().describe('IANA time zone the cron expression is read in'),
    overlap: z.enum(OVERLAP_MODES),
    catchUp: z.enum(CATCH_UP_MODES),
    paused: z.boolean(),
    source: z.enum(['api', 'code']).describe('`code`: declared on defineJob; only `paused` can change'),
    nextFireAt: ms.nullable().describe('the next fire time not processed yet'),
    lastFireAt: ms.nullable(),
    lastJobId: z.string().nullable().describe('the job the newest processed fire enqueued'),
    createdAt: ms,
    updatedAt: ms,
  })
  .meta({ id: 'Schedule' });

export const ScheduleDetailSchema = ScheduleSchema.extend({
  nextFireTimes: z.array(ms).describe('the next five fire times after now'),
}).meta({ id: 'ScheduleDetail' });

export type ScheduleJson = z.infer<typeof ScheduleSchema>;
export type ScheduleDetailJson = z.infer<typeof ScheduleDetailSchema>;

/** The public fields, in the schema's order: nothing internal (the workspace) leaks. */
export function toScheduleJson<T extends ScheduleJson>(
  s: T & { nextFireTimes?: number[] },
): ScheduleJson | ScheduleDetailJson {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(ScheduleSchema.shape)) out[k] = (s as Record<string, unknown>)[k];
  if (s.nextFireTimes) out.nextFireTimes = s.nextFireTimes;
  return out as ScheduleJson;
}
