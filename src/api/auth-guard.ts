/**
 * What stands between a request without a valid credential and the store. Without it, every
 * well-formed random key cost a SHA-256 and a store lookup, about 10,000 a second from one client,
 * with no 429. Two things, both checked before any lookup:
 *
 * - a token bucket per client address for requests that the key cache cannot vouch for (default
 *   300 a minute, bursts of 60). An attempt that authenticates gives its token back, so a
 *   legitimate client's once-a-second cache miss costs nothing; a missing, malformed, unknown or
 *   revoked credential keeps it spent. An empty bucket answers `429 rate_limited` with
 *   `Retry-After`, and no lookup happens.
 * - a small negative cache: credentials (by hash) that the store just said are unknown or revoked
 *   are answered 401 without asking again for `ttlMs` (the key cache's second), so a client stuck
 *   on a revoked key costs one lookup a second, not one per request. It is bounded; an attacker
 *   sending fresh random keys only evicts old entries, and the bucket above is what stops them.
 *
 * IPv6 clients are counted per /64: that is what one subscriber is usually given, so a single
 * attacker cannot take a fresh address for every request.
 *
 * ```ts
 * const guard = new AuthGuard({ limit: { perMinute: 300, burst: 60 }, ttlMs: 1_000 });
 * guard.admit('203.0.113.7', setHeader); // throws the 429 when the address is out of attempts
 * ```
 */
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import { LongrunError } from '../core/errors.ts';
import { RateLimiter, type RateLimitOptions } from './rate-limit.ts';

export const DEFAULT_AUTH_LIMIT = { perMinute: 300, burst: 60 } as const;
/** The bucket key of a request whose address is unknown (an in-process `app.request`, a fetch host). */
export const UNKNOWN_ADDRESS = 'unknown';

export interface AuthGuardOptions {
  /** Attempts per client address; null turns the limit off (the negative cache stays). */
  limit: Omit<RateLimitOptions, 'now'> | null;
  /** How long a credential the store did not know is answered without asking again; 0 turns it off. */
  ttlMs: number;
  now: () => number;
  maxEntries?: number;
}

export class AuthGuard {
  private readonly limiter: RateLimiter | null;
  private readonly unknown = new Map<string, number>();
  private readonly maxEntries: number;

  constructor(private readonly opts: AuthGuardOptions) {
    this.limiter = opts.limit ? new RateLimiter({ ...opts.limit, now: opts.now }) : null;
    this.maxEntries = opts.maxEntries ?? 10_000;
  }

  /** Spends one of the address's attempts, or sets `Retry-After` and throws the 429. */
  admit(address: string, setHeader: (name: string, value: string) => void): void {
    const verdict = this.limiter?.take(address);
    if (!verdict || verdict.ok) return;
    setHeader('Retry-After', String(verdict.retryAfterS));
    throw new LongrunError(
      'rate_limited',
      `too many requests without a valid key from this address; retry in ${verdict.retryAfterS} s`,
      {
        details: [
          {
            message: 'per-address limit on requests that present no valid credential',
            retryAfterSeconds: verdict.retryAfterS,
          },
        ],
      },
    );
  }

  /** The credential was good: its attempt does not count against the address. */
  succeeded(address: string): void {
    this.limiter?.giveBack(address, 1);
  }

  /** Whether the store said, within `ttlMs`, that no live credential has this hash. */
  isKnownUnknown(hash: string): boolean {
    const until = this.unknown.get(hash);
    if (until === undefined) return false;
    if (until > this.opts.now()) return true;
    this.unknown.delete(hash);
    return false;
  }

  rememberUnknown(hash: string): void {
    if (this.opts.ttlMs <= 0) return;
    // Oldest first out (a Map keeps insertion order): bounded, and O(1) under a flood.
    if (this.unknown.size >= this.maxEntries) this.unknown.delete(this.unknown.keys().next().value!);
    this.unknown.delete(hash);
    this.unknown.set(hash, this.opts.now() + this.opts.ttlMs);
  }

  /** A key was created or a session opened here: its hash must not linger as unknown. */
  forgetUnknown(hash: string): void {
    this.unknown.delete(hash);
  }
}

/** One request's attempt to authenticate, as the guard sees it. */
export interface GuardedAttempt {
  guard: AuthGuard;
  readonly address: string;
  setHeader(name: string, value: string): void;
}

/**
 * The bucket key of a client address: IPv4 as is (also when mapped into IPv6), IPv6 by its /64.
 * A zone (`fe80::1%eth0`) is dropped.
 */
export function addressKey(raw: string | undefined): string {
  if (!raw) return UNKNOWN_ADDRESS;
  const addr = raw.trim().toLowerCase().replace(/%.*$/, '');
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(addr);
  if (mapped) return mapped[1]!;
  if (!addr.includes(':')) return addr;
  const [head = '', tail] = addr.split('::', 2);
  const front = head ? head.split(':') : [];
  const back = tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array<string>(Math.max(0, 8 - front.length - back.length)).fill('0');
  const groups = [...front, ...fill, ...back].slice(0, 4).map((g) => g.replace(/^0+(?=.)/, ''));
  return `${groups.join(':')}::/64`;
}

/** How an app picks the address a request counts against (`AppOptions.clientAddress`). */
export type ClientAddressPicker = (req: {
  socketAddress: string | undefined;
  header(name: string): string | undefined;
}) => string | undefined;

/**
 * The bucket key of the request behind `c`: the socket's peer address under the Node listener, or
 * what `pick` says (behind a proxy that reports the client, say, in `X-Forwarded-For`).
 */
export function clientAddressOf(c: Context, pick?: ClientAddressPicker): string {
  const socketAddress = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket
    ?.remoteAddress;
  return addressKey(pick ? pick({ socketAddress, header: (name) => c.req.header(name) }) : socketAddress);
}
