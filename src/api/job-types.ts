/**
 * Pausing and resuming a job type in the caller's workspace: pending jobs of a paused type are not
 * claimed, running ones go on. Both are idempotent and answer the type as `GET /api/v1/job-types`
 * lists it. A `write` key may do it, as it may cancel: it stops work, it grants nothing.
 *
 * ```sh
 * curl -X POST -H "Authorization: Bearer $KEY" localhost:3000/api/v1/job-types/sync.integration/pause
 * ```
 */
import { z } from 'zod';
import { type AnyRoute, route } from './route.ts';
import { ErrorSchema, JobTypeSchema } from './schemas.ts';
import type { ApiDeps } from './types.ts';

const TypeParams = z.strictObject({ type: z.string().min(1).max(100).describe('a registered job type') });

export function jobTypeRoutes(deps: ApiDeps): AnyRoute[] {
  const { longrun } = deps;
  const notFound = { description: 'not_found: no job type of that name is registered', schema: ErrorSchema };
  return [
    route({
      method: 'post',
      path: '/api/v1/job-types/:type/pause',
      tag: 'meta',
      scope: 'write',
      summary: 'Pause a job type in this workspace: its pending jobs wait, running ones go on',
      description:
        'Idempotent: pausing a paused type keeps the first pause (`pausedAt`, `pausedBy`). Jobs a worker ' +
        'claimed before the pause committed run as usual.',
      params: TypeParams,
      responses: { 200: { description: 'the type, paused', schema: JobTypeSchema }, 404: notFound },
      async handler(c, { params, auth }) {
        return c.json(
          await longrun.flow.pause(params.type, { workspaceId: auth.workspaceId, by: auth.keyName }),
        );
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/job-types/:type/resume',
      tag: 'meta',
      scope: 'write',
      summary: 'Resume a paused job type in this workspace; its pending jobs are claimed again',
      description: 'Idempotent: resuming a type that is not paused answers it unchanged.',
      params: TypeParams,
      responses: { 200: { description: 'the type, not paused', schema: JobTypeSchema }, 404: notFound },
      async handler(c, { params, auth }) {
        return c.json(await longrun.flow.resume(params.type, { workspaceId: auth.workspaceId }));
      },
    }),
  ];
}
