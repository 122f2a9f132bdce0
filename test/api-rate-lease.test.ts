/**
 * The per-key limit across processes: `LeasedRateLimiter`s borrowing from one `RateLimiter` (as the
 * HTTP processes of `longrun serve --http-processes` borrow from the primary) together allow what
 * the one bucket allows, share one round trip between concurrent requests, remember an empty bucket
 * briefly, and give unspent tokens back.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LeasedRateLimiter, type RateLender } from '../src/api/rate-lease.ts';
import { RateLimiter } from '../src/api/rate-limit.ts';

function lenderOf(bucket: RateLimiter): RateLender & { borrows: number } {
  const lender = {
    borrows: 0,
    borrow: async (key: string, want: number) => {
      lender.borrows++;
      return bucket.takeUpTo(key, want);
    },
    giveBack: (key: string, tokens: number) => bucket.giveBack(key, tokens),
  };
  return lender;
}

async function takeMany(limiter: LeasedRateLimiter, key: string, n: number): Promise<number> {
  let ok = 0;
  for (let i = 0; i < n; i++) if ((await limiter.take(key)).ok) ok++;
  return ok;
}

describe('RateLimiter.takeUpTo and giveBack', () => {
  it('lends whole tokens up to what the bucket holds, and takes back only up to the burst', () => {
    const now = 0;
    const bucket = new RateLimiter({ perMinute: 60, burst: 10, now: () => now });
    assert.deepEqual(bucket.takeUpTo('k', 4), { granted: 4, remaining: 6, retryAfterS: 0 });
    assert.deepEqual(bucket.takeUpTo('k', 100), { granted: 6, remaining: 0, retryAfterS: 0 });
    assert.deepEqual(bucket.takeUpTo('k', 1), { granted: 0, remaining: 0, retryAfterS: 1 });
    bucket.giveBack('k', 3);
    assert.equal(bucket.takeUpTo('k', 100).granted, 3);
    bucket.giveBack('k', 50);
    assert.equal(bucket.takeUpTo('k', 100).granted, 10, 'never past the burst');
  });
});

describe('LeasedRateLimiter', () => {
  it('lets two processes together spend exactly one bucket', async () => {
    const now = 0;
    const bucket = new RateLimiter({ perMinute: 60, burst: 20, now: () => now });
    const a = new LeasedRateLimiter(lenderOf(bucket), { batch: 3, now: () => now });
    const b = new LeasedRateLimiter(lenderOf(bucket), { batch: 3, now: () => now });
    let allowed = 0;
    for (let i = 0; i < 30; i++) {
      if ((await a.take('k')).ok) allowed++;
      if ((await b.take('k')).ok) allowed++;
    }
    assert.equal(allowed, 20);
    const denied = await a.take('k');
    assert.equal(denied.ok, false);
    assert.ok(!denied.ok && denied.retryAfterS >= 1);
    assert.equal((await b.take('other')).ok, true, 'keys are separate');
    a.close();
    b.close();
  });

  it('spends a batch locally and shares one borrow between concurrent requests', async () => {
    const now = 0;
    const lender = lenderOf(new RateLimiter({ perMinute: 60, burst: 100, now: () => now }));
    const limiter = new LeasedRateLimiter(lender, { batch: 10, now: () => now });
    const verdicts = await Promise.all(Array.from({ length: 10 }, () => limiter.take('k')));
    assert.ok(verdicts.every((v) => v.ok));
    assert.equal(lender.borrows, 1, 'ten requests at once: one round trip');
    assert.equal((await limiter.take('k')).ok, true);
    assert.equal(lender.borrows, 2);
    limiter.close();
  });

  it('remembers an empty bucket for a moment instead of asking on every request', async () => {
    let now = 0;
    const lender = lenderOf(new RateLimiter({ perMinute: 60, burst: 1, now: () => now }));
    const limiter = new LeasedRateLimiter(lender, { batch: 1, now: () => now });
    assert.equal(await takeMany(limiter, 'k', 5), 1);
    assert.equal(lender.borrows, 2, 'one borrow granted, one refused; the rest answered locally');
    now += 1_000; // one token refilled, and the remembered refusal has expired
    assert.equal(await takeMany(limiter, 'k', 1), 1);
    limiter.close();
  });

  it('gives unspent tokens back when closed', async () => {
    const now = 0;
    const bucket = new RateLimiter({ perMinute: 60, burst: 10, now: () => now });
    const limiter = new LeasedRateLimiter(lenderOf(bucket), { batch: 8, now: () => now });
    assert.equal((await limiter.take('k')).ok, true);
    assert.equal(bucket.takeUpTo('k', 100).granted, 2, 'eight lent, one of them spent');
    limiter.close();
    assert.equal(bucket.takeUpTo('k', 100).granted, 7, 'the seven unspent came back');
  });
});
