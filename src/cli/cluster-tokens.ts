/**
 * The per-key rate limit across the processes of `longrun serve --http-processes N`: the buckets
 * live in the primary, which lends tokens to the HTTP processes in small batches
 * (api/rate-lease.ts), so N processes together allow what one would.
 */
import { LeasedRateLimiter } from '../api/rate-lease.ts';
import { RateLimiter } from '../api/rate-limit.ts';
import type { ServeConfig } from './config.ts';
import type { IpcPeer } from './ipc.ts';

/** The primary's buckets; null when the rate limit is off. */
export function tokenBuckets(config: ServeConfig): RateLimiter | null {
  return config.rateLimit === false ? null : new RateLimiter(config.rateLimit);
}

/** On the primary: answers an HTTP process's borrowing from `buckets` (everything, when off). */
export function lendTokens(peer: IpcPeer, buckets: RateLimiter | null): void {
  peer.handle<{ key: string; want: number }>('borrow', ({ key, want }) =>
    buckets ? buckets.takeUpTo(key, want) : { granted: want, remaining: want, retryAfterS: 0 },
  );
  peer.handle<{ key: string; tokens: number }>('giveBack', ({ key, tokens }) =>
    buckets?.giveBack(key, tokens),
  );
}

/** In an HTTP process: the limiter its app uses, borrowing from the primary; null when off. */
export function borrowTokens(peer: IpcPeer, config: ServeConfig): LeasedRateLimiter | null {
  if (config.rateLimit === false) return null;
  return new LeasedRateLimiter(
    {
      borrow: (key, want) => peer.call('borrow', { key, want }),
      giveBack: (key, tokens) => peer.tell('giveBack', { key, tokens }),
    },
    // Small batches: tokens parked in one process are missing from the others until returned.
    { batch: Math.max(1, Math.floor(config.rateLimit.burst / (4 * config.httpProcesses))) },
  );
}
