/** Webhooks and their delivery outbox on SQLite (webhook-types.ts says what each method does). */
import type { Row } from '../rows.ts';
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
import type { SqliteContext } from './context.ts';
import { limitClause } from './db.ts';

/**
 * Writes a delivery per matching webhook in the transaction that ends a job: the durable outbox.
 * It exists only while some webhook does, created with the first and dropped with the last in
 * their transactions (SQLite serialises writers, so no commit ever sees a webhook without it).
 * Present but idle (its WHEN finding no webhook), it cost the raw claim/complete loop 14% here
 * (60,000 against 70,000 jobs/s, 2026-12-04). PostgreSQL keeps its trigger for good: creating or
 * dropping one locks the jobs table against every writer, and its idle cost there is about 3 µs a
 * finished job (migrations/009_webhooks.sql).
 */
const OUTBOX_TRIGGER = `CREATE TRIGGER IF NOT EXISTS jobs_webhook_outbox AFTER UPDATE OF status ON jobs
WHEN NEW.status IN ('completed', 'failed', 'cancelled') AND OLD.status <> NEW.status
  AND EXISTS (SELECT 1 FROM webhooks WHERE workspace_id = NEW.workspace_id)
BEGIN
  INSERT INTO webhook_deliveries (webhook_id, workspace_id, job_id, event, created_at, next_attempt_at)
  SELECT w.id, NEW.workspace_id, NEW.id, 'job.' || NEW.status, NEW.updated_at, NEW.updated_at
  FROM webhooks w
  WHERE w.workspace_id = NEW.workspace_id
    AND EXISTS (SELECT 1 FROM json_each(w.events) WHERE value = 'job.' || NEW.status)
    AND (w.types IS NULL OR EXISTS (SELECT 1 FROM json_each(w.types) WHERE value = NEW.type))
    AND (w.categories IS NULL OR EXISTS (SELECT 1 FROM json_each(w.categories) WHERE value = NEW.category));
END`;

export function webhookCreate(ctx: SqliteContext, p: NewWebhook): StoredWebhook {
  return ctx.write((now) => {
    ctx.db.exec(OUTBOX_TRIGGER);
    const row = ctx.sql
      .get(
        `INSERT INTO webhooks (id, workspace_id, url, events, types, categories, secret, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
      )
      .get(
        p.id,
        p.workspaceId,
        p.url,
        JSON.stringify(p.events),
        jsonOrNull(p.types),
        jsonOrNull(p.categories),
        p.secret,
        now,
        now,
      ) as Row;
    return rowToStoredWebhook(row);
  });
}

export function webhookList(ctx: SqliteContext, p: { workspaceId: string }): WebhookRecord[] {
  const rows = ctx.sql
    .get('SELECT * FROM webhooks WHERE workspace_id = ? ORDER BY created_at, id')
    .all(p.workspaceId) as Row[];
  return rows.map(rowToWebhook);
}

export function webhookGet(ctx: SqliteContext, p: { workspaceId: string; id: string }): WebhookRecord | null {
  const row = ctx.sql
    .get('SELECT * FROM webhooks WHERE id = ? AND workspace_id = ?')
    .get(p.id, p.workspaceId) as Row | undefined;
  return row ? rowToWebhook(row) : null;
}

export function webhookDelete(ctx: SqliteContext, p: { workspaceId: string; id: string }): boolean {
  return ctx.write(() => {
    const info = ctx.sql
      .get('DELETE FROM webhooks WHERE id = ? AND workspace_id = ?')
      .run(p.id, p.workspaceId);
    if (info.changes === 0) return false;
    ctx.sql.get('DELETE FROM webhook_deliveries WHERE webhook_id = ?').run(p.id);
    if (ctx.sql.get('SELECT 1 FROM webhooks LIMIT 1').get() === undefined)
      ctx.db.exec('DROP TRIGGER IF EXISTS jobs_webhook_outbox');
    return true;
  });
}

export function webhookSecretRotate(
  ctx: SqliteContext,
  p: { workspaceId: string; id: string; secret: string; graceMs: number },
): StoredWebhook | null {
  return ctx.write((now) => {
    const row = ctx.sql
      .get(
        `UPDATE webhooks SET
           previous_secret = CASE WHEN ? > 0 THEN secret END,
           previous_expires_at = CASE WHEN ? > 0 THEN ? + ? END,
           secret = ?, updated_at = ?
         WHERE id = ? AND workspace_id = ? RETURNING *`,
      )
      .get(p.graceMs, p.graceMs, now, p.graceMs, p.secret, now, p.id, p.workspaceId) as Row | undefined;
    return row ? rowToStoredWebhook(row) : null;
  });
}

export function webhookDeliveryList(
  ctx: SqliteContext,
  p: { workspaceId: string; webhookId: string; limit: number; before?: number },
): WebhookDeliveryPage {
  const rows = ctx.sql
    .get(
      `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries
       WHERE webhook_id = ? AND workspace_id = ? AND id < ? ORDER BY id DESC ${limitClause(p.limit + 1)}`,
    )
    .all(p.webhookId, p.workspaceId, p.before ?? Number.MAX_SAFE_INTEGER) as Row[];
  const more = rows.length > p.limit;
  const deliveries = rows.slice(0, p.limit).map(rowToDelivery);
  return { deliveries, next: more ? (deliveries.at(-1)?.id ?? null) : null };
}

export function webhookDeliveryClaim(
  ctx: SqliteContext,
  p: { limit: number; leaseMs: number; token: string },
): ClaimedDelivery[] {
  // A read first: an idle dispatcher polls every second in every process, and must not take the
  // write lock (or count a write transaction) to learn that nothing is due.
  const due = ctx.read(() =>
    ctx.sql
      .get(`SELECT 1 FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= ? LIMIT 1`)
      .get(ctx.clock.now()),
  );
  if (!due) return [];
  return ctx.write((now) => {
    const claimed = ctx.sql
      .get(
        `UPDATE webhook_deliveries SET attempts = attempts + 1, claim_token = ?, next_attempt_at = ? + ?,
           last_attempt_at = ?
         WHERE id IN (SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= ?
                      ORDER BY next_attempt_at ${limitClause(p.limit)})
         RETURNING id`,
      )
      .all(p.token, now, p.leaseMs, now, now) as Row[];
    if (claimed.length === 0) return [];
    const read = ctx.sql.get(
      `SELECT d.*, ${CLAIM_WEBHOOK_COLUMNS} FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
       WHERE d.id = ?`,
    );
    return claimed.map((r) => rowToClaimed(read.get(r.id) as Row, now));
  });
}

export function webhookDeliveryRecord(ctx: SqliteContext, p: { results: DeliveryResult[] }): void {
  if (p.results.length === 0) return;
  ctx.write((now) => {
    const stmt = ctx.sql.get(
      `UPDATE webhook_deliveries SET
         status = ?, claim_token = NULL, last_status_code = ?, last_error = ?,
         next_attempt_at = CASE WHEN ? = 'retry' THEN ? + ? END,
         delivered_at = CASE WHEN ? = 'delivered' THEN ? END,
         payload = coalesce(payload, ?)
       WHERE id = ? AND claim_token = ? AND status = 'pending'`,
    );
    for (const r of p.results) {
      const status = r.outcome === 'retry' ? 'pending' : r.outcome;
      stmt.run(
        status,
        r.statusCode,
        r.error,
        r.outcome,
        now,
        r.retryDelayMs ?? 0,
        r.outcome,
        now,
        r.payload ?? null,
        r.id,
        r.token,
      );
    }
  });
}
