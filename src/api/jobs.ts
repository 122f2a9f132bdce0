/** `/api/v1/jobs…`: the seed's list, get and cancel, plus create, logs and items. */
import { z } from 'zod';
import { LongrunError } from '../core/errors.ts';
import { ITEM_STATUSES, LOG_LEVELS } from '../core/job.ts';
import { toJobJson, toLogJson } from '../core/job-json.ts';
import { JOB_STATUSES } from '../core/status.ts';
import { MAX_CURSOR } from '../engine/cursor.ts';
import type { AuthInfo } from './auth.ts';
import { setNextPage } from './pagination.ts';
import { type AnyRoute, route } from './route.ts';
import {
  CancelResultSchema,
  clientText,
  commaList,
  ErrorSchema,
  IdParams,
  ItemSchema,
  inputFilters,
  intParam,
  JobDetailSchema,
  JobSchema,
  LogEntrySchema,
} from './schemas.ts';

import type { ApiDeps } from './types.ts';

/**
 * `GET /api/v1/jobs/:id`, the API's busiest request: the route below, and the direct path
 * (direct.ts) that answers it without Hono. Both take its path, scope and body from here.
 */
export const JOB_BY_ID = {
  path: '/api/v1/jobs/:id',
  scope: 'read',
  contentType: 'application/json',
  body: (deps: ApiDeps, id: string, auth: AuthInfo): Promise<string> =>
    deps.longrun.getJobJson(id, { workspaceId: auth.workspaceId }),
} as const;

const PAGED = {
  Link: '`<…?cursor=…>; rel="next"` when there is a next page',
  'X-Next-Cursor': 'the next cursor',
};

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

export function jobRoutes(deps: ApiDeps): AnyRoute[] {
  const { longrun } = deps;
  const categories = longrun.registry.categories;

  const listFields = {
    status: commaList('status', JOB_STATUSES).optional(),
    category: commaList('category', categories).optional(),
    type: z
      .string()
      .regex(/^[A-Za-z0-9._,-]{1,2000}$/, 'type must be a comma-separated list of job types')
      .transform((s) => s.split(',').filter(Boolean))
      .optional(),
    q: clientText(200).optional().describe('name prefix (case-sensitive)'),
    limit: intParam('limit', 1, 100).optional().describe('1–100, default 20'),
    cursor: z.string().max(200).optional().describe('the X-Next-Cursor of the previous page'),
  };
  // Besides these, `input.<field>[.<field>…]=<value>` parameters (inputFilters, schemas.ts).
  const ListQuery = z
    .object(listFields)
    .catchall(clientText(500))
    .transform(inputFilters(Object.keys(listFields)));

  const CreateBody = z.strictObject({
    type: z.string().min(1).max(100),
    input: z.unknown().optional(),
    name: clientText(200).optional(),
    runAt: z.number().int().min(0).max(8_640_000_000_000_000).optional().describe('earliest start, ms epoch'),
    priority: z
      .number()
      .int()
      .min(-1_000_000)
      .max(1_000_000)
      .optional()
      .describe('higher runs first; default 0'),
    maxAttempts: z.number().int().min(1).max(100).optional(),
  });

  return [
    route({
      method: 'get',
      path: '/api/v1/jobs',
      tag: 'jobs',
      scope: 'read',
      summary: 'List jobs, newest first',
      description:
        '`status` and `category` accept comma lists. `q` is a name prefix. `input.<field>=<value>` (up to 4 ' +
        'nested field names, up to 4 such parameters, AND-ed) keeps jobs whose input has that value there, ' +
        'as a string, or as the number or boolean it spells. On SQLite a page with an input filter examines ' +
        'at most 10,000 jobs: it may hold fewer than `limit` jobs, or none, and still have a next page. ' +
        'Keyset pagination: follow `Link rel="next"`.',
      query: ListQuery,
      responses: { 200: { description: 'a page of jobs', schema: z.array(JobSchema), headers: PAGED } },
      async handler(c, { query, auth }) {
        const page = await longrun.listJobsJson({
          workspaceId: auth.workspaceId,
          status: query.status,
          category: query.category,
          type: query.type,
          namePrefix: query.q,
          input: query.input.length > 0 ? query.input : undefined,
          limit: query.limit ?? 20,
          cursor: query.cursor,
        });
        setNextPage(c, page.nextCursor);
        return c.body(page.json, 200, { 'Content-Type': 'application/json' });
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/jobs',
      tag: 'jobs',
      scope: 'write',
      summary: 'Create a job',
      description:
        'With `Idempotency-Key`, the same key and body return the original job (200); another body is a 409.',
      headers: { 'Idempotency-Key': 'makes retries of this request safe (1–200 visible ASCII characters)' },
      body: CreateBody,
      responses: {
        201: { description: 'created', schema: JobSchema, headers: { Location: 'the job URL' } },
        200: { description: 'an earlier request with the same Idempotency-Key', schema: JobSchema },
        409: { description: 'idempotency_conflict: the key was used with another body', schema: ErrorSchema },
      },
      async handler(c, { body, auth }) {
        const key = c.req.header('idempotency-key');
        if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
          throw new LongrunError('invalid_input', 'Idempotency-Key must be 1–200 visible ASCII characters', {
            details: [{ path: 'Idempotency-Key', message: 'must be 1–200 visible ASCII characters' }],
          });
        }
        const { job, created } = await longrun.enqueue(body.type, body.input ?? {}, {
          workspaceId: auth.workspaceId,
          idempotencyKey: key,
          name: body.name,
          runAt: body.runAt,
          priority: body.priority,
          maxAttempts: body.maxAttempts,
        });
        return c.json(toJobJson(job), created ? 201 : 200, { Location: `/api/v1/jobs/${job.id}` });
      },
    }),
    route({
      method: 'get',
      path: JOB_BY_ID.path,
      tag: 'jobs',
      scope: JOB_BY_ID.scope,
      summary: 'Get a job with its newest 1,000 log lines, steps, attempts, input and result',
      params: IdParams,
      responses: { 200: { description: 'the job', schema: JobDetailSchema } },
      async handler(c, { params, auth }) {
        const json = await JOB_BY_ID.body(deps, params.id, auth);
        return c.body(json, 200, { 'Content-Type': JOB_BY_ID.contentType });
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/jobs/:id/cancel',
      tag: 'jobs',
      scope: 'write',
      summary: 'Cancel a pending or running job',
      description:
        'Pending: never runs. Running: the step or item in flight finishes, nothing more starts; `completedAt` is set when the worker has stopped. Idempotent for cancelled jobs; 409 for completed or failed ones.',
      params: IdParams,
      responses: {
        200: { description: 'cancelled (or already cancelled)', schema: CancelResultSchema },
        409: {
          description: 'job_not_cancellable: details[0].status is the current status',
          schema: ErrorSchema,
        },
      },
      async handler(c, { params, auth }) {
        const { job } = await longrun.cancel(params.id, { workspaceId: auth.workspaceId, by: auth.keyName });
        return c.json({ id: job.id, status: 'cancelled' as const });
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/jobs/:id/logs',
      tag: 'jobs',
      scope: 'read',
      summary: "A job's log lines, oldest first, after an event id",
      params: IdParams,
      query: z.strictObject({
        after: intParam('after', 0, Number.MAX_SAFE_INTEGER).optional().describe('a log id; default 0'),
        limit: intParam('limit', 1, 1000).optional().describe('1–1000, default 100'),
        level: commaList('level', LOG_LEVELS).optional(),
      }),
      responses: {
        200: {
          description: 'log lines; `X-Next-Cursor` is the `after` of the next page',
          schema: z.array(LogEntrySchema),
          headers: PAGED,
        },
      },
      async handler(c, { params, query, auth }) {
        const limit = query.limit ?? 100;
        const logs = await longrun.listLogs(params.id, {
          workspaceId: auth.workspaceId,
          after: query.after,
          limit,
          level: query.level,
        });
        const last = logs[logs.length - 1];
        setNextPage(c, logs.length === limit && last ? String(last.id) : null, 'after');
        return c.json(logs.map(toLogJson));
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/jobs/:id/items',
      tag: 'jobs',
      scope: 'read',
      summary: 'Per-item outcomes (which entities failed and why), ordered by step and key',
      params: IdParams,
      query: z.strictObject({
        status: z.enum(ITEM_STATUSES).optional(),
        step: clientText(200).optional(),
        cursor: z.string().max(MAX_CURSOR).optional(),
        limit: intParam('limit', 1, 1000).optional().describe('1–1000, default 100'),
      }),
      responses: { 200: { description: 'items', schema: z.array(ItemSchema), headers: PAGED } },
      async handler(c, { params, query, auth }) {
        const limit = query.limit ?? 100;
        const cursors = await longrun.cursors();
        const items = await longrun.listItems(params.id, {
          workspaceId: auth.workspaceId,
          status: query.status,
          step: query.step,
          after: query.cursor === undefined ? undefined : cursors.decodeItem(query.cursor),
          limit: limit + 1,
        });
        const page = items.slice(0, limit);
        const last = page[page.length - 1];
        setNextPage(c, items.length > limit && last ? cursors.encodeItem(last.step, last.key) : null);
        return c.json(page);
      },
    }),
  ];
}
