/**
 * What the stores keep for completion webhooks: the endpoints of a workspace and the delivery
 * outbox. Rows of the outbox are written by a trigger on `jobs` in the transaction that ends a job
 * (migration 009), never by the code that ends it; the engine's dispatcher claims and records them.
 *
 * ```ts
 * const [d] = await store.webhookDeliveryClaim({ limit: 10, leaseMs: 60_000, token: randomUUID() });
 * await store.webhookDeliveryRecord({ results: [{ id: d.delivery.id, token, outcome: 'delivered', statusCode: 204, error: null }] });
 * ```
 */

export const WEBHOOK_EVENTS = ['job.completed', 'job.failed', 'job.cancelled'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface WebhookRecord {
  id: string;
  workspaceId: string;
  url: string;
  events: WebhookEvent[];
  /** Only jobs of these types; null for every type. */
  types: string[] | null;
  /** Only jobs of these categories; null for every category. */
  categories: string[] | null;
  createdAt: number;
  updatedAt: number;
  /** Until then the secret before the last rotation still signs deliveries too; null when none does. */
  previousSecretExpiresAt: number | null;
}

/** A webhook with its secrets, as the dispatcher and the create and rotate answers need it. */
export interface StoredWebhook extends WebhookRecord {
  secret: string;
  previousSecret: string | null;
}

export interface NewWebhook {
  id: string;
  workspaceId: string;
  url: string;
  events: WebhookEvent[];
  types: string[] | null;
  categories: string[] | null;
  secret: string;
}

export interface WebhookDelivery {
  id: number;
  webhookId: string;
  workspaceId: string;
  jobId: string;
  event: WebhookEvent;
  status: DeliveryStatus;
  attempts: number;
  createdAt: number;
  /** When a pending delivery is tried next (past the lease of an attempt in flight); null once done. */
  nextAttemptAt: number | null;
  lastAttemptAt: number | null;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: number | null;
}

export interface ClaimedDelivery {
  delivery: WebhookDelivery;
  /** The store's time of the claim: what the dispatcher decides give-up and secret expiry by. */
  claimedAt: number;
  /** The body the first attempt sent, or null before it. */
  payload: string | null;
  webhook: StoredWebhook;
}

export interface DeliveryResult {
  id: number;
  /** The claim's token: a result from a claim that expired and was claimed again changes nothing. */
  token: string;
  outcome: 'delivered' | 'retry' | 'failed';
  statusCode: number | null;
  error: string | null;
  /** For `retry`: the next attempt this many ms from now (the store's clock). */
  retryDelayMs?: number;
  /** The body sent, kept when the delivery had none yet. */
  payload?: string;
}

export interface WebhookDeliveryPage {
  deliveries: WebhookDelivery[];
  /** Pass as `before` for the next page (older deliveries); null on the last page. */
  next: number | null;
}

/** The webhook methods of `Store` (types.ts), kept here so the interface gains one line. */
export interface WebhookStore {
  webhookCreate(params: NewWebhook): Promise<StoredWebhook>;
  /** A workspace's webhooks, oldest first. */
  webhookList(params: { workspaceId: string }): Promise<WebhookRecord[]>;
  webhookGet(params: { workspaceId: string; id: string }): Promise<WebhookRecord | null>;
  /** Deletes the webhook and its deliveries; false when the workspace has no such webhook. */
  webhookDelete(params: { workspaceId: string; id: string }): Promise<boolean>;
  /** A new secret; the old one keeps signing for `graceMs` (0: not at all). Null when not found. */
  webhookSecretRotate(params: {
    workspaceId: string;
    id: string;
    secret: string;
    graceMs: number;
  }): Promise<StoredWebhook | null>;
  /** Newest first, keyset-paged by delivery id. */
  webhookDeliveryList(params: {
    workspaceId: string;
    webhookId: string;
    limit: number;
    before?: number;
  }): Promise<WebhookDeliveryPage>;
  /**
   * Claims up to `limit` pending deliveries that are due: counts an attempt, and pushes their due
   * time `leaseMs` ahead so that a dispatcher that dies mid-attempt leaves them to another.
   */
  webhookDeliveryClaim(params: { limit: number; leaseMs: number; token: string }): Promise<ClaimedDelivery[]>;
  webhookDeliveryRecord(params: { results: DeliveryResult[] }): Promise<void>;
}
