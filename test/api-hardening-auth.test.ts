/**
 * Requests without a valid credential are counted per client address before any store lookup, and
 * credentials the store just refused are not looked up again for a second: a flood of well-formed
 * random keys (or cookies, or sign-ins) costs at most a burst of lookups, then 429s that cost none.
 * The clock is injected and held still, so no token refills while a test runs.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApiKey } from '../src/api/auth.ts';
import { addressKey } from '../src/api/auth-guard.ts';
import { fakeClock } from '../src/core/clock.ts';
import { bearer, type CountedFixture, countedFixture, randomKey, send } from './api-hardening-helpers.ts';
import { expectError } from './api-helpers.ts';

const BURST = 10;

describe('the per-address limit on requests without a valid credential', () => {
  const clock = fakeClock(1_000_000);
  let f: CountedFixture;
  let url: string;
  let jobId: string;
  before(async () => {
    f = await countedFixture({
      clock,
      authLimit: { perMinute: 60, burst: BURST },
      count: ['apiKeyFindByHash', 'sessionFind'],
    });
    url = await f.url();
    jobId = (await f.longrun.enqueue('test.idle', {})).job.id;
  });
  after(() => f.close());

  it('answers a flood of random keys with 429 after the burst, without a lookup each', async () => {
    // A key that authenticated before the flood stays in the key cache (the clock stands still).
    assert.equal((await send(url, '/api/v1/jobs?limit=1', { headers: bearer(f.keys.read) })).status, 200);
    f.calls.apiKeyFindByHash = 0;

    const statuses: number[] = [];
    let limited: Awaited<ReturnType<typeof send>> | null = null;
    for (let i = 0; i < 200; i++) {
      const res = await send(url, `/api/v1/jobs/${jobId}`, { headers: bearer(randomKey()) });
      statuses.push(res.status);
      if (res.status === 429) limited ??= res;
    }
    assert.deepEqual(statuses.slice(0, BURST), Array(BURST).fill(401), 'the burst is answered 401');
    assert.deepEqual(statuses.slice(BURST), Array(200 - BURST).fill(429), 'then 429');
    assert.equal(f.calls.apiKeyFindByHash, BURST, 'one lookup per attempt of the burst, none after');

    assert.ok(limited);
    assert.ok(Number(limited.headers['retry-after']) >= 1, `Retry-After: ${limited.headers['retry-after']}`);
    await expectError(
      new Response(limited.body, { status: limited.status }),
      429,
      'rate_limited',
      /from this address/,
    );
  });

  it('counts missing and malformed keys and forged cookies too, and still never looks them up', async () => {
    const before = { ...f.calls };
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer lr_nothex_zz' },
      { authorization: 'Basic Zm9vOmJhcg==' },
      { cookie: `longrun_session=${'A'.repeat(43)}` },
    ];
    for (const headers of attempts) {
      const res = await send(url, '/api/v1/jobs', { headers });
      assert.equal(res.status, 429, JSON.stringify(headers));
    }
    const signIn = await send(url, '/api/v1/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key: randomKey() }),
    });
    assert.equal(signIn.status, 429, 'signing in with a guessed key is an attempt too');
    assert.deepEqual(f.calls, before);
  });

  it('keeps serving a key the cache holds, and another address', async () => {
    assert.equal((await send(url, `/api/v1/jobs/${jobId}`, { headers: bearer(f.keys.read) })).status, 200);
    const other = await send(url, `/api/v1/jobs/${jobId}`, {
      headers: bearer(randomKey()),
      localAddress: '127.0.0.2',
    });
    assert.equal(other.status, 401, 'a second client address has its own attempts');
  });

  it('refills with time', async () => {
    clock.advance(60_000);
    assert.equal((await send(url, '/api/v1/jobs', { headers: bearer(randomKey()) })).status, 401);
  });
});

describe('a valid key that the cache does not hold', () => {
  it('costs the address nothing: its attempt is given back', async () => {
    const f = await countedFixture({ keyCacheMs: 0, authLimit: { perMinute: 60, burst: 3 } });
    try {
      const url = await f.url();
      for (let i = 0; i < 20; i++)
        assert.equal((await send(url, '/api/v1/jobs?limit=1', { headers: bearer(f.keys.read) })).status, 200);
      assert.equal(f.calls.apiKeyFindByHash, 20, 'no cache: a lookup each');
    } finally {
      await f.close();
    }
  });
});

describe('the negative cache', () => {
  const clock = fakeClock(5_000_000);
  let f: CountedFixture;
  before(async () => {
    f = await countedFixture({ clock, authLimit: false, count: ['apiKeyFindByHash', 'sessionFind'] });
  });
  after(() => f.close());

  const get = (headers: Record<string, string>) => f.app.request('/api/v1/jobs', { headers });

  it('looks an unknown key up once a second, however often it is sent', async () => {
    const key = randomKey();
    for (let i = 0; i < 50; i++) await expectError(await get(bearer(key)), 401, 'unauthorized');
    assert.equal(f.calls.apiKeyFindByHash, 1);
    clock.advance(1_001);
    await expectError(await get(bearer(key)), 401, 'unauthorized');
    assert.equal(f.calls.apiKeyFindByHash, 2);
  });

  it('does the same for a revoked key and an unknown session cookie', async () => {
    const { key, record } = await createApiKey(f.store, { workspace: 'default', scope: 'read' });
    await f.store.apiKeyRevoke({ id: record.id });
    const cookie = { cookie: `longrun_session=${'B'.repeat(43)}` };
    f.calls.apiKeyFindByHash = 0;
    for (let i = 0; i < 20; i++) {
      await expectError(await get(bearer(key)), 401, 'unauthorized');
      await expectError(await get(cookie), 401, 'unauthorized');
    }
    assert.equal(f.calls.apiKeyFindByHash, 1);
    assert.equal(f.calls.sessionFind, 1);
  });
});

describe('client address keys', () => {
  it('takes IPv4 as is, unmaps IPv4-mapped IPv6, and counts IPv6 per /64', () => {
    assert.equal(addressKey('203.0.113.7'), '203.0.113.7');
    assert.equal(addressKey('::ffff:203.0.113.7'), '203.0.113.7');
    assert.equal(addressKey('2001:db8:1:2:3:4:5:6'), '2001:db8:1:2::/64');
    assert.equal(addressKey('2001:0db8:0001:0002::9'), '2001:db8:1:2::/64');
    assert.equal(addressKey('2001:db8::1'), '2001:db8:0:0::/64');
    assert.equal(addressKey('::1'), '0:0:0:0::/64');
    assert.equal(addressKey('fe80::1%eth0'), 'fe80:0:0:0::/64');
    assert.equal(addressKey(undefined), 'unknown');
  });
});
