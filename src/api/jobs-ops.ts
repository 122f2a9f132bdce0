/**
 * `POST /api/v1/jobs/:id/retry` and `POST /api/v1/jobs/cancel` (bulk cancel): operations over
 * existing jobs. The rules are the engine's (core/retry.ts, store/cancel-rules.ts); this declares
 * the routes, validates, and maps the request onto them.
 *
 * ```sh
 * curl -X POST -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
 *   -d '{"only":"failed-items"}' http://localhost:3000/api/v1/jobs/$ID/retry
 * curl -X POST -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
 *   -d '{"status":"pending","type":"sync.pull"}' http://localhost:3000/api/v1/jobs/cancel
 * ```
 */
import { z } from 'zod';
import { LongrunError } from '../core/errors.ts';
import { toJobJson } from '../core/job-json.ts';
import { RETRY_ONLY } from '../core/retry.ts';
import { CANCEL_MANY_MAX, CANCELLABLE } from '../store/cancel-rules.ts';
import { type AnyRoute, route } from './route.ts';
import { clientText, ErrorSchema, IdParams, JobSchema } from './schemas.ts';
import type { ApiDeps } from './types.ts';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

export const CancelManyResultSchema = z
  .object({
    cancelled: z.number().int().describe('jobs this call cancelled'),
    more: z.boolean().describe('matching pending or running jobs remain: the limit was reached; call again'),
  })
  .meta({ id: 'CancelManyResult' });

/** One value or a list of them (`"status": "pending"` or `"status": ["pending", "running"]`). */
function oneOrMany<T extends z.ZodType>(item: T, max: number) {
  return z.union([item, z.array(item).min(1).max(max)]).transform((v) => (Array.isArray(v) ? v : [v]));
}

export function jobOpsRoutes(deps: ApiDeps): AnyRoute[] {
  const { longrun } = deps;
  const categories = longrun.registry.categories as [string, ...string[]];

  const RetryBody = z.strictObject({
    only: z
      .enum(RETRY_ONLY)
      .optional()
      .describe(
        'failed-items: rerun only the items the job left unfinished (its type must set partialRetry)',
      ),
  });

  const CancelBody = z.strictObject({
    status: oneOrMany(z.enum(CANCELLABLE), 2).optional().describe('pending and/or running; default both'),
    category: oneOrMany(z.enum(categories), 100).optional(),
    type: oneOrMany(clientText(100), 100).optional(),
    createdBefore: z
      .number()
      .int()
      .min(0)
      .max(8_640_000_000_000_000)
      .optional()
      .describe('jobs created strictly before this time, ms epoch'),
    ids: z.array(clientText(200)).min(1).max(CANCEL_MANY_MAX).optional(),
    all: z.literal(true).optional().describe('required when no other condition is given'),
    limit: z
      .number()
      .int()
      .min(1)
      .max(CANCEL_MANY_MAX)
      .optional()
      .describe(`1–${CANCEL_MANY_MAX}, default ${CANCEL_MANY_MAX}`),
  });

  return [
    route({
      method: 'post',
      path: '/api/v1/jobs/:id/retry',
      tag: 'jobs',
      scope: 'write',
      summary: 'Retry a job as a new job linked to it (retryOf)',
      description:
        'Allowed for failed jobs, cancelled jobs whose worker has stopped, and completed jobs with failed items. ' +
        'The new job has the same type, input, name, priority and maxAttempts, and is due now. With ' +
        '`{"only": "failed-items"}` its `ctx.each` runs only what the old job left unfinished: in steps the ' +
        'old job completed, the items that failed; in steps it did not complete, every item it did not ' +
        'complete. Its type must declare `partialRetry: true`. `Idempotency-Key` is honoured as on create.',
      headers: { 'Idempotency-Key': 'makes retries of this request safe (1–200 visible ASCII characters)' },
      params: IdParams,
      body: RetryBody,
      responses: {
        201: { description: 'the new job', schema: JobSchema, headers: { Location: 'the new job URL' } },
        200: { description: 'an earlier request with the same Idempotency-Key', schema: JobSchema },
        409: {
          description:
            'job_not_retryable: the message says why (its status, no failed items, still stopping, or no partialRetry); details[0].status is its status',
          schema: ErrorSchema,
        },
      },
      async handler(c, { params, body, auth }) {
        const key = c.req.header('idempotency-key');
        if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
          throw new LongrunError('invalid_input', 'Idempotency-Key must be 1–200 visible ASCII characters', {
            details: [{ path: 'Idempotency-Key', message: 'must be 1–200 visible ASCII characters' }],
          });
        }
        const { job, created } = await longrun.retry(params.id, {
          workspaceId: auth.workspaceId,
          only: body.only,
          idempotencyKey: key,
        });
        return c.json(toJobJson(job), created ? 201 : 200, { Location: `/api/v1/jobs/${job.id}` });
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/jobs/cancel',
      tag: 'jobs',
      scope: 'write',
      summary: 'Cancel many pending or running jobs by filter',
      description:
        `Cancels up to \`limit\` (at most ${CANCEL_MANY_MAX.toLocaleString('en')}) matching pending or running jobs, oldest first, ` +
        'each exactly as a single cancel does (a running job stops after its step or item in flight). Conditions ' +
        'are AND-ed; a list matches any of its values. An empty filter is refused unless it says `"all": true`. ' +
        'Idempotent: a second call cancels nothing already cancelled. `more: true` means the limit was reached ' +
        'and matching jobs remain.',
      body: CancelBody,
      responses: {
        200: { description: 'how many were cancelled', schema: CancelManyResultSchema },
        400: {
          description: 'invalid_input: an empty filter without all: true, or a bad field',
          schema: ErrorSchema,
        },
      },
      async handler(c, { body, auth }) {
        const result = await longrun.cancelMany({
          workspaceId: auth.workspaceId,
          filter: {
            statuses: body.status,
            categories: body.category,
            types: body.type,
            createdBefore: body.createdBefore,
            ids: body.ids,
            all: body.all,
          },
          limit: body.limit,
          by: auth.keyName,
        });
        return c.json(result);
      },
    }),
  ];
}
