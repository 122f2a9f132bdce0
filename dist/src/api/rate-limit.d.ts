export interface RateLimitOptions {
    /** Sustained requests per minute per key (default 1,200). */
    perMinute: number;
    /** Bucket size: requests a key may make at once after being idle (default 200). */
    burst: number;
    /** Injected for tests; milliseconds. */
    now?: () => number;
}
export declare const DEFAULT_RATE_LIMIT: {
    readonly perMinute: 1200;
    readonly burst: 200;
};
/**
 * Spends one of the key's tokens for a request: sets `X-RateLimit-Remaining`, or sets
 * `Retry-After` and throws the 429. It returns a promise only when the limiter does (one that
 * borrows its tokens from another process), so a local bucket adds no await to a request.
 */
export declare function spendToken(limiter: KeyRateLimiter, key: string, setHeader: (name: string, value: string) => void): void | Promise<void>;
export type RateVerdict = {
    ok: true;
    remaining: number;
} | {
    ok: false;
    retryAfterS: number;
};
/** What the API asks of a limiter: one token for a key, now or after a round trip. */
export interface KeyRateLimiter {
    take(key: string): RateVerdict | Promise<RateVerdict>;
}
/** A batch of tokens lent to another process; `granted` may be 0, and then `retryAfterS` says when. */
export interface RateGrant {
    granted: number;
    remaining: number;
    retryAfterS: number;
}
export declare class RateLimiter implements KeyRateLimiter {
    readonly opts: RateLimitOptions;
    private readonly buckets;
    private readonly perMs;
    private readonly now;
    constructor(opts: RateLimitOptions);
    take(key: string): RateVerdict;
    /** Takes up to `want` whole tokens at once, for a process that spends them itself. */
    takeUpTo(key: string, want: number): RateGrant;
    /** Returns lent tokens that were not spent (never past the burst). */
    giveBack(key: string, tokens: number): void;
    private refilled;
    private retryAfterS;
    private sweep;
}
//# sourceMappingURL=rate-limit.d.ts.map