/** Row ↔ object mapping of webhooks and deliveries, shared by both SQL backends (see rows.ts). */
import { num, numOrNull, parseJson, type Row } from './rows.ts';
import type {
  ClaimedDelivery,
  DeliveryStatus,
  StoredWebhook,
  WebhookDelivery,
  WebhookEvent,
  WebhookRecord,
} from './webhook-types.ts';

function strOrNull(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}

export function rowToWebhook(r: Row): WebhookRecord {
  return {
    id: String(r.id),
    workspaceId: String(r.workspace_id),
    url: String(r.url),
    events: parseJson(r.events) as WebhookEvent[],
    types: parseJson(r.types) as string[] | null,
    categories: parseJson(r.categories) as string[] | null,
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at),
    previousSecretExpiresAt: r.previous_secret === null ? null : numOrNull(r.previous_expires_at),
  };
}

export function rowToStoredWebhook(r: Row): StoredWebhook {
  return { ...rowToWebhook(r), secret: String(r.secret), previousSecret: strOrNull(r.previous_secret) };
}

export const DELIVERY_COLUMNS =
  'id, webhook_id, workspace_id, job_id, event, status, attempts, created_at, next_attempt_at, ' +
  'last_attempt_at, last_status_code, last_error, delivered_at';

export function rowToDelivery(r: Row): WebhookDelivery {
  const status = r.status as DeliveryStatus;
  return {
    id: num(r.id),
    webhookId: String(r.webhook_id),
    workspaceId: String(r.workspace_id),
    jobId: String(r.job_id),
    event: r.event as WebhookEvent,
    status,
    attempts: num(r.attempts),
    createdAt: num(r.created_at),
    nextAttemptAt: status === 'pending' ? numOrNull(r.next_attempt_at) : null,
    lastAttemptAt: numOrNull(r.last_attempt_at),
    lastStatusCode: numOrNull(r.last_status_code),
    lastError: strOrNull(r.last_error),
    deliveredAt: numOrNull(r.delivered_at),
  };
}

/** A claimed delivery row joined to its webhook's columns (prefixed `w_`). */
export function rowToClaimed(r: Row, claimedAt: number): ClaimedDelivery {
  const w: Row = {};
  for (const [k, v] of Object.entries(r)) if (k.startsWith('w_')) w[k.slice(2)] = v;
  return {
    delivery: rowToDelivery(r),
    claimedAt,
    payload: strOrNull(r.payload),
    webhook: rowToStoredWebhook(w),
  };
}

/** The webhook columns a claim reads, as `w_<column>` of the alias `w`. */
export const CLAIM_WEBHOOK_COLUMNS = [
  'id',
  'workspace_id',
  'url',
  'events',
  'types',
  'categories',
  'secret',
  'previous_secret',
  'previous_expires_at',
  'created_at',
  'updated_at',
]
  .map((c) => `w.${c} AS w_${c}`)
  .join(', ');

export function jsonOrNull(list: readonly string[] | null): string | null {
  return list === null ? null : JSON.stringify(list);
}
