/**
 * The webhook dispatcher: every `pollMs` it claims due deliveries from the outbox (rows the
 * `jobs_webhook_outbox` trigger wrote when jobs ended), POSTs each, signed, to its webhook, and
 * records the outcome. A failed attempt is retried with exponential backoff until `maxAgeMs` (24 h)
 * after the job ended, then the delivery is `failed`. Any number of processes may run one: a claim
 * is atomic (SKIP LOCKED on PostgreSQL, one write transaction on SQLite) and pushes the row's due
 * time a lease ahead, so a dispatcher that dies mid-attempt leaves it to another: at least once.
 *
 * ```ts
 * const d = new WebhookDispatcher(store, { allowPrivate: false, clock: systemClock });
 * d.start(); // … await d.stop();
 * ```
 */
import { randomUUID } from 'node:crypto';
import { type ClockTimer, type EngineClock, systemClock } from '../core/clock.ts';
import { toJobDetailJson } from '../core/job-json.ts';
import type { Store } from '../store/types.ts';
import type { ClaimedDelivery, DeliveryResult } from '../store/webhook-types.ts';
import { sendWebhook } from './webhook-send.ts';
import { webhookHeaders } from './webhook-signature.ts';

export interface WebhookOptions {
  /** Let webhooks reach loopback, private, link-local and other non-public addresses. Default false. */
  allowPrivate?: boolean;
  /** First retry delay; each further one doubles, up to an hour, ±20 % jitter. Default 5 s. */
  retryBaseMs?: number;
  /** Give up this long after the job ended. Default 24 h. */
  maxAgeMs?: number;
  /** How often an idle dispatcher looks for due deliveries. Default 1 s. */
  pollMs?: number;
  /** One attempt's time limit. Default 10 s. */
  timeoutMs?: number;
  /** Deliveries claimed (and sent at once) per round. Default 20. */
  batch?: number;
  /** `false`: this process's `start()` runs no dispatcher (another does). Default true. */
  dispatch?: boolean;
}

const MAX_RETRY_DELAY_MS = 3_600_000;

/** The wait before attempt `attempts + 1`: base × 2^(attempts − 1), capped at an hour, ±20 %. */
export function webhookRetryDelay(attempts: number, baseMs: number): number {
  const exact = Math.min(baseMs * 2 ** Math.max(0, attempts - 1), MAX_RETRY_DELAY_MS);
  return Math.round(exact * (0.8 + Math.random() * 0.4));
}

export class WebhookDispatcher {
  private timer: ClockTimer | null = null;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = true;
  private readonly opts: Required<Omit<WebhookOptions, 'dispatch'>>;
  private readonly clock: EngineClock;
  private readonly onError: (err: unknown) => void;

  constructor(
    private readonly store: Store,
    opts: WebhookOptions & { clock?: EngineClock; onError?: (err: unknown) => void } = {},
  ) {
    this.clock = opts.clock ?? systemClock;
    this.onError = opts.onError ?? ((err) => console.error('[longrun webhooks]', err));
    this.opts = {
      allowPrivate: opts.allowPrivate ?? false,
      retryBaseMs: opts.retryBaseMs ?? 5_000,
      maxAgeMs: opts.maxAgeMs ?? 86_400_000,
      pollMs: opts.pollMs ?? 1_000,
      timeoutMs: opts.timeoutMs ?? 10_000,
      batch: opts.batch ?? 20,
    };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(this.opts.pollMs);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = this.clock
      .setTimeout(() => {
        this.running = this.round()
          .catch((err) => {
            this.onError(err);
            return 0;
          })
          .then((n) => this.schedule(n >= this.opts.batch ? 0 : this.opts.pollMs));
      }, ms)
      .unref();
  }

  /** One round: claims a batch, sends it, records the outcomes. Returns how many it claimed. */
  async round(): Promise<number> {
    const token = randomUUID();
    // The lease outlasts an attempt's timeout, so only a dispatcher that died lets it lapse.
    const leaseMs = this.opts.timeoutMs * 3 + 30_000;
    const claimed = await this.store.webhookDeliveryClaim({ limit: this.opts.batch, leaseMs, token });
    if (claimed.length === 0) return 0;
    const results = await Promise.all(claimed.map((c) => this.attempt(c, token)));
    await this.store.webhookDeliveryRecord({ results });
    return claimed.length;
  }

  private async attempt(c: ClaimedDelivery, token: string): Promise<DeliveryResult> {
    const d = c.delivery;
    const base = { id: d.id, token };
    let payload = c.payload;
    if (payload === null) {
      const detail = await this.store.jobDetailGet({ workspaceId: d.workspaceId, id: d.jobId, logLimit: 0 });
      if (!detail) return { ...base, outcome: 'failed', statusCode: null, error: 'the job no longer exists' };
      const { logs: _logs, ...data } = toJobDetailJson(detail);
      payload = JSON.stringify({ type: d.event, timestamp: new Date(d.createdAt).toISOString(), data });
    }
    const w = c.webhook;
    const secrets = [w.secret];
    if (w.previousSecret && w.previousSecretExpiresAt !== null && w.previousSecretExpiresAt > c.claimedAt)
      secrets.push(w.previousSecret);
    const headers = webhookHeaders({
      id: `msg_${d.jobId}_${d.event}`,
      // The store's time of this attempt: receivers compare it with their clock (Standard Webhooks: 5 min).
      timestampSec: Math.floor(c.claimedAt / 1000),
      body: payload,
      secrets,
    });
    const sent = await sendWebhook({
      url: w.url,
      headers,
      body: payload,
      timeoutMs: this.opts.timeoutMs,
      policy: { allowPrivate: this.opts.allowPrivate },
    });
    if (sent.ok) return { ...base, outcome: 'delivered', statusCode: sent.statusCode, error: null, payload };
    const delay = webhookRetryDelay(d.attempts, this.opts.retryBaseMs);
    const expired = c.claimedAt + delay > d.createdAt + this.opts.maxAgeMs;
    return {
      ...base,
      outcome: expired ? 'failed' : 'retry',
      statusCode: sent.statusCode,
      error: sent.error,
      retryDelayMs: delay,
      payload,
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.clear();
    this.timer = null;
    await this.running;
  }
}
