/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): a secret `whsec_<base64 key>`, and
 * per delivery the headers `webhook-id`, `webhook-timestamp` (Unix seconds) and `webhook-signature`,
 * `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, several separated by spaces while an old secret
 * still signs after a rotation. Any Standard Webhooks library verifies these.
 *
 * ```ts
 * const secret = newWebhookSecret();
 * const headers = webhookHeaders({ id: 'msg_1', timestampSec: 1_700_000_000, body: '{}', secrets: [secret] });
 * ```
 */
import { createHmac, randomBytes } from 'node:crypto';

const PREFIX = 'whsec_';

/** 32 random bytes: the HMAC key, as Standard Webhooks writes it. */
export function newWebhookSecret(): string {
  return PREFIX + randomBytes(32).toString('base64');
}

export function webhookSignature(p: {
  id: string;
  timestampSec: number;
  body: string;
  secret: string;
}): string {
  const key = Buffer.from(p.secret.startsWith(PREFIX) ? p.secret.slice(PREFIX.length) : p.secret, 'base64');
  const mac = createHmac('sha256', key).update(`${p.id}.${p.timestampSec}.${p.body}`).digest('base64');
  return `v1,${mac}`;
}

export function webhookHeaders(p: {
  id: string;
  timestampSec: number;
  body: string;
  secrets: string[];
}): Record<string, string> {
  return {
    'content-type': 'application/json',
    'webhook-id': p.id,
    'webhook-timestamp': String(p.timestampSec),
    'webhook-signature': p.secrets.map((secret) => webhookSignature({ ...p, secret })).join(' '),
  };
}
