/**
 * Completion webhooks as the engine offers them (`longrun.webhooks`): create, list, get, delete,
 * rotate a secret, read the delivery log. Every call is scoped to a workspace. The URL goes through
 * the SSRF guard here, so the API and library users get the same refusal; delivery is the
 * dispatcher's (webhook-dispatcher.ts).
 *
 * ```ts
 * const hook = await longrun.webhooks.create({ workspaceId: 'default', url: 'https://example.com/hook', events: ['job.failed'] });
 * console.log(hook.secret); // whsec_…, shown this once
 * ```
 */
import { randomUUID } from 'node:crypto';
import { LongrunError } from '../core/errors.ts';
import { DEFAULT_WORKSPACE } from '../core/job.ts';
import type { Store } from '../store/types.ts';
import type { StoredWebhook, WebhookDelivery, WebhookEvent, WebhookRecord } from '../store/webhook-types.ts';
import type { CursorCodec } from './cursor.ts';
import { type AddressPolicy, checkWebhookUrl } from './webhook-address.ts';
import { newWebhookSecret } from './webhook-signature.ts';

/** How long the secret before a rotation keeps signing, unless the rotation says otherwise: a day. */
export const DEFAULT_ROTATION_GRACE_MS = 86_400_000;

export interface CreateWebhookParams {
  workspaceId?: string;
  url: string;
  events: WebhookEvent[];
  types?: string[] | null;
  categories?: string[] | null;
}

/** A webhook with the secret it signs with: the answer to create and rotate, the only ones that show it. */
export interface WebhookWithSecret extends WebhookRecord {
  secret: string;
}

function withSecret(w: StoredWebhook): WebhookWithSecret {
  const { previousSecret: _previous, ...rest } = w;
  return rest;
}

function notFound(id: string): LongrunError {
  return new LongrunError('not_found', `webhook ${id} not found`);
}

function distinct<T>(list: readonly T[] | null | undefined): T[] | null {
  return list === null || list === undefined || list.length === 0 ? null : [...new Set(list)];
}

export class Webhooks {
  constructor(
    private readonly store: Store,
    private readonly policy: AddressPolicy,
    private readonly cursors: () => Promise<CursorCodec>,
  ) {}

  async create(p: CreateWebhookParams): Promise<WebhookWithSecret> {
    const url = await checkWebhookUrl(p.url, this.policy);
    const events = distinct(p.events);
    if (!events)
      throw new LongrunError('invalid_input', 'events must name at least one event', {
        details: [{ path: 'events', message: 'at least one of job.completed, job.failed, job.cancelled' }],
      });
    const workspaceId = p.workspaceId ?? DEFAULT_WORKSPACE;
    await this.store.workspaceEnsure({ name: workspaceId });
    const created = await this.store.webhookCreate({
      id: randomUUID(),
      workspaceId,
      url: url.href,
      events,
      types: distinct(p.types),
      categories: distinct(p.categories),
      secret: newWebhookSecret(),
    });
    return withSecret(created);
  }

  list(p: { workspaceId?: string } = {}): Promise<WebhookRecord[]> {
    return this.store.webhookList({ workspaceId: p.workspaceId ?? DEFAULT_WORKSPACE });
  }

  async get(id: string, p: { workspaceId?: string } = {}): Promise<WebhookRecord> {
    const hook = await this.store.webhookGet({ workspaceId: p.workspaceId ?? DEFAULT_WORKSPACE, id });
    if (!hook) throw notFound(id);
    return hook;
  }

  /** Deletes the webhook and its delivery log; deliveries still pending are not sent. */
  async delete(id: string, p: { workspaceId?: string } = {}): Promise<void> {
    if (!(await this.store.webhookDelete({ workspaceId: p.workspaceId ?? DEFAULT_WORKSPACE, id })))
      throw notFound(id);
  }

  /**
   * A new secret, returned this once. The old one keeps signing beside it (a second signature in
   * `webhook-signature`) for `graceMs`, default a day, so receivers can switch without losing one.
   */
  async rotateSecret(
    id: string,
    p: { workspaceId?: string; graceMs?: number } = {},
  ): Promise<WebhookWithSecret> {
    const rotated = await this.store.webhookSecretRotate({
      workspaceId: p.workspaceId ?? DEFAULT_WORKSPACE,
      id,
      secret: newWebhookSecret(),
      graceMs: p.graceMs ?? DEFAULT_ROTATION_GRACE_MS,
    });
    if (!rotated) throw notFound(id);
    return withSecret(rotated);
  }

  /** The delivery log, newest first, paged like the jobs list. */
  async deliveries(
    id: string,
    p: { workspaceId?: string; limit?: number; cursor?: string } = {},
  ): Promise<{ deliveries: WebhookDelivery[]; nextCursor: string | null }> {
    const workspaceId = p.workspaceId ?? DEFAULT_WORKSPACE;
    await this.get(id, { workspaceId });
    const codec = await this.cursors();
    const page = await this.store.webhookDeliveryList({
      workspaceId,
      webhookId: id,
      limit: p.limit ?? 20,
      before: p.cursor === undefined ? undefined : codec.decodeDelivery(p.cursor),
    });
    return {
      deliveries: page.deliveries,
      nextCursor: page.next === null ? null : codec.encodeDelivery(page.next),
    };
  }
}
