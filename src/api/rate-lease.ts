/**
 * The per-key limit of rate-limit.ts for a process that does not hold the buckets: it borrows a
 * key's tokens in small batches from the process that does (the primary of `longrun serve
 * --http-processes N`) and spends them locally, so most requests cost no round trip and the limit
 * holds across all the processes. Tokens are taken from the one bucket before they are spent, so
 * the processes together never exceed it; a batch idle for `HOLD_MS` goes back, so tokens parked
 * in one process are not missing from another for long.
 *
 * ```ts
 * const limiter = new LeasedRateLimiter(lender, { batch: 25 });
 * const verdict = await limiter.take(keyId);
 * ```
 */
import type { KeyRateLimiter, RateGrant, RateVerdict } from './rate-limit.ts';

export interface RateLender {
  borrow(key: string, want: number): Promise<RateGrant>;
  giveBack(key: string, tokens: number): void;
}

interface Lease {
  tokens: number;
  /** The lender's count after the last batch, for `X-RateLimit-Remaining`. */
  remaining: number;
  usedAt: number;
  pending: Promise<void> | null;
  deniedUntil: number;
  retryAfterS: number;
}

/** Unspent tokens go back after this long; short enough that another process rarely misses them. */
const HOLD_MS = 1_000;
/** An empty bucket is believed this long without asking again, so a client hammering past its limit costs no round trip per request. */
const DENIAL_HOLD_MS = 100;

export class LeasedRateLimiter implements KeyRateLimiter {
  private readonly leases = new Map<string, Lease>();
  private readonly now: () => number;
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly lender: RateLender,
    private readonly opts: { batch: number; now?: () => number },
  ) {
    this.now = opts.now ?? Date.now;
    this.sweeper = setInterval(() => this.returnIdle(), HOLD_MS);
    this.sweeper.unref();
  }

  take(key: string): RateVerdict | Promise<RateVerdict> {
    const lease = this.leases.get(key);
    if (lease && lease.tokens >= 1) return this.spend(lease);
    return this.borrowThenTake(key);
  }

  /** Gives every unspent token back (on shutdown). */
  close(): void {
    clearInterval(this.sweeper);
    this.returnIdle(true);
  }

  private spend(lease: Lease): RateVerdict {
    lease.tokens -= 1;
    lease.usedAt = this.now();
    return { ok: true, remaining: lease.remaining + Math.floor(lease.tokens) };
  }

  private async borrowThenTake(key: string): Promise<RateVerdict> {
    let lease = this.leases.get(key);
    if (!lease) {
      lease = { tokens: 0, remaining: 0, usedAt: this.now(), pending: null, deniedUntil: 0, retryAfterS: 1 };
      this.leases.set(key, lease);
    }
    // Each pass either finds a token, finds the bucket empty, or borrows; requests arriving while a
    // batch is on its way wait for it instead of asking again.
    for (;;) {
      if (lease.tokens >= 1) return this.spend(lease);
      if (lease.deniedUntil > this.now()) return { ok: false, retryAfterS: lease.retryAfterS };
      const current: Lease = lease;
      current.pending ??= this.lender.borrow(key, this.opts.batch).then(
        (grant) => {
          current.pending = null;
          current.tokens += grant.granted;
          current.remaining = grant.remaining;
          if (grant.granted === 0) {
            current.deniedUntil = this.now() + DENIAL_HOLD_MS;
            current.retryAfterS = grant.retryAfterS;
          }
        },
        (err: unknown) => {
          current.pending = null;
          throw err;
        },
      );
      await current.pending;
    }
  }

  private returnIdle(all = false): void {
    const now = this.now();
    for (const [key, lease] of this.leases) {
      if (lease.pending || (!all && now - lease.usedAt < HOLD_MS)) continue;
      const whole = Math.floor(lease.tokens);
      if (whole > 0) this.lender.giveBack(key, whole);
      this.leases.delete(key);
    }
  }
}
