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
export declare class LeasedRateLimiter implements KeyRateLimiter {
    private readonly lender;
    private readonly opts;
    private readonly leases;
    private readonly now;
    private readonly sweeper;
    constructor(lender: RateLender, opts: {
        batch: number;
        now?: () => number;
    });
    take(key: string): RateVerdict | Promise<RateVerdict>;
    /** Gives every unspent token back (on shutdown). */
    close(): void;
    private spend;
    private borrowThenTake;
    private returnIdle;
}
//# sourceMappingURL=rate-lease.d.ts.map