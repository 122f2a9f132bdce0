/**
 * Per-key token buckets: `perMinute` tokens refill continuously, at most `burst` saved up. A request
 * takes one token; an empty bucket answers 429 with `Retry-After` (whole seconds until one token is
 * back). The buckets live in one process; `longrun serve --http-processes N` keeps them in its primary
 * and lends tokens to the HTTP processes in small batches (rate-lease.ts), so a key's limit holds
 * across them. Separate `longrun serve` instances behind a balancer each enforce their own.
 *
 * ```ts
 * const limiter = new RateLimiter({ perMinute: 1_200, burst: 200 });
 * const verdict = limiter.take('key-id'); // { ok: true, remaining: 199 } or { ok: false, retryAfterS: 1 }
 * ```
 */
import { LongrunError } from "../core/errors.js";
export const DEFAULT_RATE_LIMIT = { perMinute: 1_200, burst: 200 };
/**
 * Spends one of the key's tokens for a request: sets `X-RateLimit-Remaining`, or sets
 * `Retry-After` and throws the 429. It returns a promise only when the limiter does (one that
 * borrows its tokens from another process), so a local bucket adds no await to a request.
 */
export function spendToken(limiter, key, setHeader) {
    const taken = limiter.take(key);
    return taken instanceof Promise ? taken.then((v) => settle(v, setHeader)) : settle(taken, setHeader);
}
function settle(verdict, setHeader) {
    if (!verdict.ok) {
        setHeader('Retry-After', String(verdict.retryAfterS));
        throw new LongrunError('rate_limited', `rate limit exceeded; retry in ${verdict.retryAfterS} s`, {
            details: [{ message: 'per-key token bucket is empty', retryAfterSeconds: verdict.retryAfterS }],
        });
    }
    setHeader('X-RateLimit-Remaining', String(verdict.remaining));
}
/** Idle buckets are dropped once this many exist; a full bucket carries no state worth keeping. */
const MAX_BUCKETS = 10_000;
export class RateLimiter {
    opts;
    buckets = new Map();
    perMs;
    now;
    constructor(opts) {
        this.opts = opts;
        if (!(opts.perMinute > 0) || !(opts.burst >= 1))
            throw new Error('rate limit needs perMinute > 0 and burst >= 1');
        this.perMs = opts.perMinute / 60_000;
        this.now = opts.now ?? Date.now;
    }
    take(key) {
        const b = this.refilled(key);
        if (b.tokens >= 1) {
            b.tokens -= 1;
            return { ok: true, remaining: Math.floor(b.tokens) };
        }
        return { ok: false, retryAfterS: this.retryAfterS(b) };
    }
    /** Takes up to `want` whole tokens at once, for a process that spends them itself. */
    takeUpTo(key, want) {
        const b = this.refilled(key);
        const granted = Math.max(0, Math.min(Math.floor(want), Math.floor(b.tokens)));
        b.tokens -= granted;
        return { granted, remaining: Math.floor(b.tokens), retryAfterS: granted > 0 ? 0 : this.retryAfterS(b) };
    }
    /** Returns lent tokens that were not spent (never past the burst). */
    giveBack(key, tokens) {
        const b = this.refilled(key);
        b.tokens = Math.min(this.opts.burst, b.tokens + Math.max(0, tokens));
    }
    refilled(key) {
        const now = this.now();
        let b = this.buckets.get(key);
        if (!b) {
            if (this.buckets.size >= MAX_BUCKETS)
                this.sweep(now);
            b = { tokens: this.opts.burst, at: now };
            this.buckets.set(key, b);
        }
        else {
            b.tokens = Math.min(this.opts.burst, b.tokens + (now - b.at) * this.perMs);
            b.at = now;
        }
        return b;
    }
    retryAfterS(b) {
        return Math.max(1, Math.ceil((1 - b.tokens) / this.perMs / 1000));
    }
    sweep(now) {
        for (const [k, b] of this.buckets) {
            if (b.tokens + (now - b.at) * this.perMs >= this.opts.burst)
                this.buckets.delete(k);
        }
        // Still full of active keys: forget the oldest rather than grow without bound.
        if (this.buckets.size >= MAX_BUCKETS) {
            const oldest = this.buckets.keys().next().value;
            if (oldest !== undefined)
                this.buckets.delete(oldest);
        }
    }
}
//# sourceMappingURL=rate-limit.js.map