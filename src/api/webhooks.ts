/**
 * `/api/v1/webhooks…`: completion webhooks of the key's workspace (admin keys: a webhook's secret
 * and target are configuration, like keys). The secret is in the answers to create and
 * rotate-secret only. docs/operations.md, "Webhooks", has the payload, headers and retries.
 */
import { z } from 'zod';
import { ms } from '../core/job-schema.ts';
import { MAX_CURSOR } from '../engine/cursor.ts';
import {
  DELIVERY_STATUSES,
  WEBHOOK_EVENTS,
  type WebhookDelivery,
  type WebhookRecord,
} from '../store/webhook-types.ts';
import { setNextPage } from './pagination.ts';
import { type AnyRoute, route } from './route.ts';
import { clientText, ErrorSchema, IdParams, intParam } from './schemas.ts';
import type { ApiDeps } from './types.ts';

export const WebhookSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.enum(WEBHOOK_EVENTS)),
    types: z.array(z.string()).nullable().describe('only jobs of these types; null for all'),
    categories: z.array(z.string()).nullable().describe('only jobs of these categories; null for all'),
    createdAt: ms,
    updatedAt: ms,
    previousSecretExpiresAt: ms
      .nullable()
      .describe('until then the secret before the last rotation also signs each delivery'),
  })
  .meta({ id: 'Webhook' });

export const WebhookWithSecretSchema = WebhookSchema.extend({
  secret: z.string().describe('whsec_…: the signing secret, shown only in this response'),
}).meta({ id: 'WebhookWithSecret' });

export const WebhookDeliverySchema = z
  .object({
    id: z.number().int(),
    webhookId: z.string(),
    jobId: z.string(),
    event: z.enum(WEBHOOK_EVENTS),
    status: z.enum(DELIVERY_STATUSES),
    attempts: z.number().int(),
    createdAt: ms.describe('when the job reached the status'),
    nextAttemptAt: ms.nullable().describe('when a pending delivery is tried next; null once done'),
    lastAttemptAt: ms.nullable(),
    lastStatusCode: z.number().int().nullable().describe('HTTP status of the last answer; null if none came'),
    lastError: z.string().nullable(),
    deliveredAt: ms.nullable(),
  })
  .meta({ id: 'WebhookDelivery' });

function toWebhookJson(w: WebhookRecord) {
  return {
    id: w.id,
    url: w.url,
    events: w.events,
    types: w.types,
    categories: w.categories,
    createdAt: w.createdAt,
    updatedAt: w.updatedAt,
    previousSecretExpiresAt: w.previousSecretExpiresAt,
  };
}

function toDeliveryJson(d: WebhookDelivery) {
  const { workspaceId: _ws, ...rest } = d;
  return rest;
}

const TYPE = z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'a job type: 1–100 of A-Z a-z 0-9 . _ -');

export function webhookRoutes(deps: ApiDeps): AnyRoute[] {
  const { webhooks, registry } = deps.longrun;
  const CreateBody = z.strictObject({
    url: clientText(2_000).describe(
      'http or https; public addresses only unless the server allows private ones',
    ),
    events: z.array(z.enum(WEBHOOK_EVENTS)).min(1).max(WEBHOOK_EVENTS.length),
    types: z.array(TYPE).min(1).max(100).optional().describe('only these job types; leave out for all'),
    categories: z
      .array(z.enum(registry.categories as [string, ...string[]]))
      .min(1)
      .max(20)
      .optional()
      .describe('only these categories; leave out for all'),
  });
  return [
    route({
      method: 'get',
      path: '/api/v1/webhooks',
      tag: 'webhooks',
      scope: 'admin',
      summary: "The workspace's webhooks, oldest first (never their secrets)",
      responses: { 200: { description: 'webhooks', schema: z.array(WebhookSchema) } },
      async handler(c, { auth }) {
        const list = await webhooks.list({ workspaceId: auth.workspaceId });
        return c.json(list.map(toWebhookJson));
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/webhooks',
      tag: 'webhooks',
      scope: 'admin',
      summary: 'Create a webhook; its signing secret is in this response only',
      description:
        'A POST is sent for each job of the workspace that reaches one of `events`, filtered by `types` and ' +
        '`categories` when given. Hosts that are, or resolve to, loopback, private, link-local, CGNAT, ' +
        'unspecified or metadata addresses are refused (`url_not_allowed`) unless the server allows them.',
      body: CreateBody,
      responses: {
        201: {
          description: 'the webhook, with its secret',
          schema: WebhookWithSecretSchema,
          headers: { Location: 'the webhook URL' },
        },
        400: { description: 'invalid_input, or url_not_allowed (SSRF guard)', schema: ErrorSchema },
      },
      async handler(c, { body, auth }) {
        const hook = await webhooks.create({ workspaceId: auth.workspaceId, ...body });
        return c.json({ ...toWebhookJson(hook), secret: hook.secret }, 201, {
          Location: `/api/v1/webhooks/${hook.id}`,
        });
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/webhooks/:id',
      tag: 'webhooks',
      scope: 'admin',
      summary: 'A webhook (without its secret)',
      params: IdParams,
      responses: { 200: { description: 'the webhook', schema: WebhookSchema } },
      async handler(c, { params, auth }) {
        return c.json(toWebhookJson(await webhooks.get(params.id, { workspaceId: auth.workspaceId })));
      },
    }),
    route({
      method: 'delete',
      path: '/api/v1/webhooks/:id',
      tag: 'webhooks',
      scope: 'admin',
      summary: 'Delete a webhook and its delivery log; pending deliveries are not sent',
      params: IdParams,
      responses: { 204: { description: 'deleted', contentType: 'none' } },
      async handler(c, { params, auth }) {
        await webhooks.delete(params.id, { workspaceId: auth.workspaceId });
        return c.body(null, 204);
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/webhooks/:id/rotate-secret',
      tag: 'webhooks',
      scope: 'admin',
      summary: 'A new signing secret, in this response only',
      description:
        'The old secret keeps signing beside the new one (two signatures in `webhook-signature`) for ' +
        '`graceMs` (default 86,400,000: a day; 0 ends it at once), so receivers can switch without a gap.',
      params: IdParams,
      body: z
        .strictObject({
          graceMs: z
            .number()
            .int()
            .min(0)
            .max(7 * 86_400_000)
            .optional(),
        })
        .optional(),
      responses: {
        200: { description: 'the webhook, with its new secret', schema: WebhookWithSecretSchema },
      },
      async handler(c, { params, body, auth }) {
        const hook = await webhooks.rotateSecret(params.id, {
          workspaceId: auth.workspaceId,
          graceMs: body?.graceMs,
        });
        return c.json({ ...toWebhookJson(hook), secret: hook.secret });
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/webhooks/:id/deliveries',
      tag: 'webhooks',
      scope: 'admin',
      summary: "A webhook's delivery log, newest first",
      description:
        'Keyset pagination as for jobs: follow `Link rel="next"` or pass `X-Next-Cursor` as `cursor`.',
      params: IdParams,
      query: z.strictObject({
        limit: intParam('limit', 1, 100).optional().describe('1–100, default 20'),
        cursor: z.string().max(MAX_CURSOR).optional().describe('the X-Next-Cursor of the previous page'),
      }),
      responses: {
        200: {
          description: 'a page of deliveries',
          schema: z.array(WebhookDeliverySchema),
          headers: {
            Link: '`<…?cursor=…>; rel="next"` when there is a next page',
            'X-Next-Cursor': 'the next cursor',
          },
        },
      },
      async handler(c, { params, query, auth }) {
        const page = await webhooks.deliveries(params.id, {
          workspaceId: auth.workspaceId,
          limit: query.limit ?? 20,
          cursor: query.cursor,
        });
        setNextPage(c, page.nextCursor);
        return c.json(page.deliveries.map(toDeliveryJson));
      },
    }),
  ];
}
