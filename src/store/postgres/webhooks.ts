/** Webhooks and their delivery outbox on PostgreSQL (webhook-types.ts says what each method does). */
import {
  CLAIM_WEBHOOK_COLUMNS,
  DELIVERY_COLUMNS,
  jsonOrNull,
  rowToClaimed,
  rowToDelivery,
  rowToStoredWebhook,
  rowToWebhook,
} from '../webhook-rows.ts';
import type {
  ClaimedDelivery,
  DeliveryResult,
  NewWebhook,
  StoredWebhook,
  WebhookDeliveryPage,
  WebhookRecord,
} from '../webhook-types.ts';
import { nowParam, nowSql, type PgContext, read, writeOne } from './context.ts';

export async function webhookCreate(ctx: PgContext, p: NewWebhook): Promise<StoredWebhook> {
  const [row] = await writeOne(ctx, {
    text: `INSERT INTO webhooks (id, workspace_id, url, events, types, categories, secret, created_at, updated_at)
           VALUES ($2, $3, $4, $5::jsonb, $6::jsonb, $7::jsonb, $8, ${nowSql(1)}, ${nowSql(1)}) RETURNING *`,
    values: [
      nowParam(ctx),
      p.id,
      p.workspaceId,
      p.url,
      JSON.stringify(p.events),
      jsonOrNull(p.types),
      jsonOrNull(p.categories),
      p.secret,
    ],
  });
  if (!row) throw new Error('webhook insert returned no row');
  return rowToStoredWebhook(row);
}

export async function webhookList(ctx: PgContext, p: { workspaceId: string }): Promise<WebhookRecord[]> {
  const rows = await read(ctx, {
    text: 'SELECT * FROM webhooks WHERE workspace_id = $1 ORDER BY created_at, id',
    values: [p.workspaceId],
  });
  return rows.map(rowToWebhook);
}

export async function webhookGet(
  ctx: PgContext,
  p: { workspaceId: string; id: string },
): Promise<WebhookRecord | null> {
  const [row] = await read(ctx, {
    text: 'SELECT * FROM webhooks WHERE id = $1 AND workspace_id = $2',
    values: [p.id, p.workspaceId],
  });
  return row ? rowToWebhook(row) : null;
}

export async function webhookDelete(
  ctx: PgContext,
  p: { workspaceId: string; id: string },
): Promise<boolean> {
  const rows = await writeOne(ctx, {
    text: `WITH gone AS (DELETE FROM webhooks WHERE id = $1 AND workspace_id = $2 RETURNING id),
           deliveries AS (DELETE FROM webhook_deliveries WHERE webhook_id IN (SELECT id FROM gone))
           SELECT id FROM gone`,
    values: [p.id, p.workspaceId],
  });
  return rows.length > 0;
}

export async function webhookSecretRotate(
  ctx: PgContext,
  p: { workspaceId: string; id: string; secret: string; graceMs: number },
): Promise<StoredWebhook | null> {
  const [row] = await writeOne(ctx, {
    text: `UPDATE webhooks SET
             previous_secret = CASE WHEN $2::bigint > 0 THEN secret END,
             previous_expires_at = CASE WHEN $2::bigint > 0 THEN ${nowSql(1)} + $2::bigint END,
             secret = $3, updated_at = ${nowSql(1)}
           WHERE id = $4 AND workspace_id = $5 RETURNING *`,
    values: [nowParam(ctx), p.graceMs, p.secret, p.id, p.workspaceId],
  });
  return row ? rowToStoredWebhook(row) : null;
}

export async function webhookDeliveryList(
  ctx: PgContext,
  p: { workspaceId: string; webhookId: string; limit: number; before?: number },
): Promise<WebhookDeliveryPage> {
  const rows = await read(ctx, {
    text: `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries
           WHERE webhook_id = $1 AND workspace_id = $2 AND id < $3 ORDER BY id DESC LIMIT $4`,
    values: [p.webhookId, p.workspaceId, p.before ?? Number.MAX_SAFE_INTEGER, p.limit + 1],
  });
  const more = rows.length > p.limit;
  const deliveries = rows.slice(0, p.limit).map(rowToDelivery);
  return { deliveries, next: more ? (deliveries.at(-1)?.id ?? null) : null };
}

/** SKIP LOCKED: dispatchers in many processes take disjoint batches without waiting for each other. */
export async function webhookDeliveryClaim(
  ctx: PgContext,
  p: { limit: number; leaseMs: number; token: string },
): Promise<ClaimedDelivery[]> {
  // A read first: an idle dispatcher polls every second in every process; only a due row is worth
  // a write statement.
  const due = await read(ctx, {
    name: 'longrun_webhook_due',
    text: `SELECT 1 FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= ${nowSql(1)} LIMIT 1`,
    values: [nowParam(ctx)],
  });
  if (due.length === 0) return [];
  const rows = await writeOne(ctx, {
    name: 'longrun_webhook_claim',
    text: `WITH t AS (SELECT ${nowSql(1)} AS now),
           due AS (
             SELECT id FROM webhook_deliveries
             WHERE status = 'pending' AND next_attempt_at <= (SELECT now FROM t)
             ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED)
           UPDATE webhook_deliveries d SET attempts = d.attempts + 1, claim_token = $3,
             next_attempt_at = t.now + $4::bigint, last_attempt_at = t.now
           FROM due, t, webhooks w
           WHERE d.id = due.id AND w.id = d.webhook_id
           RETURNING d.*, t.now AS claimed_at, ${CLAIM_WEBHOOK_COLUMNS}`,
    values: [nowParam(ctx), p.limit, p.token, p.leaseMs],
  });
  return rows.map((r) => rowToClaimed(r, Number(r.claimed_at)));
}

export async function webhookDeliveryRecord(ctx: PgContext, p: { results: DeliveryResult[] }): Promise<void> {
  if (p.results.length === 0) return;
  const r = p.results;
  await writeOne(ctx, {
    text: `UPDATE webhook_deliveries d SET
             status = CASE WHEN v.outcome = 'retry' THEN 'pending' ELSE v.outcome END,
             claim_token = NULL, last_status_code = v.code, last_error = v.error,
             next_attempt_at = CASE WHEN v.outcome = 'retry' THEN t.now + v.delay END,
             delivered_at = CASE WHEN v.outcome = 'delivered' THEN t.now END,
             payload = coalesce(d.payload, v.payload)
           FROM (SELECT ${nowSql(1)} AS now) t,
             unnest($2::bigint[], $3::text[], $4::text[], $5::int[], $6::text[], $7::bigint[], $8::text[])
               AS v(id, token, outcome, code, error, delay, payload)
           WHERE d.id = v.id AND d.claim_token = v.token AND d.status = 'pending'`,
    values: [
      nowParam(ctx),
      r.map((x) => x.id),
      r.map((x) => x.token),
      r.map((x) => x.outcome),
      r.map((x) => x.statusCode),
      r.map((x) => x.error),
      r.map((x) => x.retryDelayMs ?? 0),
      r.map((x) => x.payload ?? null),
    ],
  });
}
