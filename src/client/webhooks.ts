/**
 * The client's webhook calls (`client.webhooks`), on the same transport as the rest of the client.
 * Admin keys only.
 *
 * ```ts
 * const hook = await client.webhooks.create({ url: 'https://example.com/hook', events: ['job.failed'] });
 * console.log(hook.secret); // shown this once
 * const { deliveries } = await client.webhooks.deliveries(hook.id);
 * ```
 */
import type { z } from 'zod';
import type { WebhookDeliverySchema, WebhookSchema, WebhookWithSecretSchema } from '../api/webhooks.ts';
import type { DeliveryStatus, WebhookEvent } from '../store/webhook-types.ts';

export type { DeliveryStatus, WebhookEvent };

/** The API's webhook shapes, inferred from its schemas (api/webhooks.ts) by type-only imports. */
export type Webhook = z.infer<typeof WebhookSchema>;
export type WebhookWithSecret = z.infer<typeof WebhookWithSecretSchema>;
export type WebhookDelivery = z.infer<typeof WebhookDeliverySchema>;

export interface CreateWebhookParams {
  url: string;
  events: WebhookEvent[];
  types?: string[];
  categories?: string[];
}

type Call = <T>(method: string, path: string, body?: unknown) => Promise<{ data: T; res: Response }>;
type Send = (method: string, path: string) => Promise<Response>;

export class WebhooksClient {
  constructor(
    private readonly call: Call,
    private readonly send: Send,
  ) {}

  async list(): Promise<Webhook[]> {
    return (await this.call<Webhook[]>('GET', '/api/v1/webhooks')).data;
  }

  async create(p: CreateWebhookParams): Promise<WebhookWithSecret> {
    return (await this.call<WebhookWithSecret>('POST', '/api/v1/webhooks', p)).data;
  }

  async get(id: string): Promise<Webhook> {
    return (await this.call<Webhook>('GET', `/api/v1/webhooks/${encodeURIComponent(id)}`)).data;
  }

  async delete(id: string): Promise<void> {
    await this.send('DELETE', `/api/v1/webhooks/${encodeURIComponent(id)}`);
  }

  /** A new secret; the old one keeps signing for `graceMs` (server default: a day). */
  async rotateSecret(id: string, p: { graceMs?: number } = {}): Promise<WebhookWithSecret> {
    const path = `/api/v1/webhooks/${encodeURIComponent(id)}/rotate-secret`;
    return (await this.call<WebhookWithSecret>('POST', path, p)).data;
  }

  async deliveries(
    id: string,
    p: { limit?: number; cursor?: string } = {},
  ): Promise<{ deliveries: WebhookDelivery[]; nextCursor: string | null }> {
    const q = new URLSearchParams();
    if (p.limit !== undefined) q.set('limit', String(p.limit));
    if (p.cursor !== undefined) q.set('cursor', p.cursor);
    const qs = q.toString();
    const path = `/api/v1/webhooks/${encodeURIComponent(id)}/deliveries${qs ? `?${qs}` : ''}`;
    const { data, res } = await this.call<WebhookDelivery[]>('GET', path);
    return { deliveries: data, nextCursor: res.headers.get('x-next-cursor') };
  }
}
