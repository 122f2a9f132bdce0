/**
 * `/api/v1/schedules…`: create, list, get (with the next five fire times), patch (pause, resume,
 * edit) and delete a workspace's schedules. Validation beyond the body's shape (the type, its input
 * schema, the cron expression, the time zone) is the engine's (engine/schedules.ts), so library
 * callers get the same errors.
 */
import { z } from 'zod';
import { CATCH_UP_MODES, OVERLAP_MODES } from '../core/schedule.ts';
import { ScheduleDetailSchema, ScheduleSchema, toScheduleJson } from '../core/schedule-schema.ts';
import { type AnyRoute, route } from './route.ts';
import { clientText, ErrorSchema, IdParams } from './schemas.ts';
import type { ApiDeps } from './types.ts';

export { ScheduleDetailSchema, ScheduleSchema };

const timing = {
  cron: clientText(200).describe('five fields, e.g. `30 2 * * *`'),
  timezone: clientText(64).describe('an IANA time zone, e.g. `Europe/Berlin`'),
};
const modes = {
  overlap: z.enum(OVERLAP_MODES).optional().describe('default `skip`'),
  catchUp: z.enum(CATCH_UP_MODES).optional().describe('default `none`'),
};

const CreateBody = z.strictObject({
  type: clientText(100),
  input: z.unknown().optional().describe("every fired job's input (default `{}`)"),
  ...timing,
  name: clientText(200).optional().describe("the fired jobs' name (default: the type's)"),
  ...modes,
  paused: z.boolean().optional(),
});

const PatchBody = z
  .strictObject({
    name: clientText(200).nullable().optional(),
    input: z.unknown().optional(),
    cron: timing.cron.optional(),
    timezone: timing.timezone.optional(),
    ...modes,
    paused: z.boolean().optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), 'give at least one field to change');

export function scheduleRoutes(deps: ApiDeps): AnyRoute[] {
  const { schedules } = deps.longrun;
  return [
    route({
      method: 'post',
      path: '/api/v1/schedules',
      tag: 'schedules',
      scope: 'write',
      summary: 'Create a schedule: a job of `type` enqueued at each fire time of `cron` in `timezone`',
      description:
        'An unknown type, an input its schema refuses, a bad cron expression or an unknown time zone is a 400 ' +
        '`invalid_input` whose details name each field (`type`, `input.<path>`, `cron`, `timezone`).',
      body: CreateBody,
      responses: {
        201: { description: 'created', schema: ScheduleSchema, headers: { Location: 'the schedule URL' } },
      },
      async handler(c, { body, auth }) {
        const s = await schedules.create({ ...body, workspaceId: auth.workspaceId });
        return c.json(toScheduleJson(s), 201, { Location: `/api/v1/schedules/${s.id}` });
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/schedules',
      tag: 'schedules',
      scope: 'read',
      summary: "The workspace's schedules, oldest first (up to 1,000)",
      responses: { 200: { description: 'schedules', schema: z.array(ScheduleSchema) } },
      async handler(c, { auth }) {
        const list = await schedules.list({ workspaceId: auth.workspaceId });
        return c.json(list.map(toScheduleJson));
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/schedules/:id',
      tag: 'schedules',
      scope: 'read',
      summary: 'A schedule with its next five fire times',
      params: IdParams,
      responses: { 200: { description: 'the schedule', schema: ScheduleDetailSchema } },
      async handler(c, { params, auth }) {
        return c.json(toScheduleJson(await schedules.get(params.id, { workspaceId: auth.workspaceId })));
      },
    }),
    route({
      method: 'patch',
      path: '/api/v1/schedules/:id',
      tag: 'schedules',
      scope: 'write',
      summary: 'Pause (`{"paused": true}`), resume, or change a schedule',
      description:
        'Resuming, or a new `cron` or `timezone`, restarts from now: fires missed while paused are not caught ' +
        'up. A schedule declared in code (`source: "code"`) takes only `paused` (409 `conflict` otherwise).',
      params: IdParams,
      body: PatchBody,
      responses: {
        200: { description: 'the schedule as changed', schema: ScheduleSchema },
        409: { description: 'conflict: a code schedule takes only `paused`', schema: ErrorSchema },
      },
      async handler(c, { params, body, auth }) {
        const s = await schedules.update(params.id, body, { workspaceId: auth.workspaceId });
        return c.json(toScheduleJson(s));
      },
    }),
    route({
      method: 'delete',
      path: '/api/v1/schedules/:id',
      tag: 'schedules',
      scope: 'write',
      summary: 'Delete a schedule; the jobs it enqueued stay',
      params: IdParams,
      responses: {
        204: { description: 'deleted', contentType: 'none' },
        409: { description: 'conflict: a code schedule is removed in code (or paused)', schema: ErrorSchema },
      },
      async handler(c, { params, auth }) {
        await schedules.delete(params.id, { workspaceId: auth.workspaceId });
        return c.body(null, 204);
      },
    }),
  ];
}
