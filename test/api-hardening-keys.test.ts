/**
 * `lastUsedAt` is kept coarsely: a server writes a key's use at most once a minute, however many
 * requests the key makes and whether or not the key cache holds it. The clock is injected.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TOUCH_EVERY_MS } from '../src/api/auth.ts';
import { fakeClock } from '../src/core/clock.ts';
import { bearer, type CountedFixture, countedFixture } from './api-hardening-helpers.ts';

describe('lastUsedAt', () => {
  const clock = fakeClock(20_000_000);
  let f: CountedFixture;
  before(async () => {
    // No key cache: every request looks the key up, the case where a write per request would hurt most.
    f = await countedFixture({ clock, keyCacheMs: 0, count: ['apiKeyFindByHash', 'apiKeyTouch'] });
  });
  after(() => f.close());

  const burst = async (n: number) => {
    for (let i = 0; i < n; i++)
      assert.equal(
        (await f.app.request('/api/v1/jobs?limit=1', { headers: bearer(f.keys.read) })).status,
        200,
      );
  };

  it('is written at most once per key per minute', async () => {
    assert.equal(TOUCH_EVERY_MS, 60_000);
    await burst(50);
    assert.equal(f.calls.apiKeyFindByHash, 50, 'every request looked the key up');
    assert.equal(f.calls.apiKeyTouch, 1, 'one write for 50 requests');
    clock.advance(59_999);
    await burst(50);
    assert.equal(f.calls.apiKeyTouch, 1, 'still one within the minute');
    clock.advance(1);
    await burst(50);
    assert.equal(f.calls.apiKeyTouch, 2, 'the next minute, one more');
  });

  it('counts each key apart', async () => {
    const before = f.calls.apiKeyTouch;
    for (const key of [f.keys.write, f.keys.admin, f.keys.write, f.keys.admin])
      await f.app.request('/api/v1/jobs?limit=1', { headers: bearer(key) });
    assert.equal(f.calls.apiKeyTouch - before, 2);
  });

  it('shows in the key listing', async () => {
    const keys = (await (await f.app.request('/api/v1/keys', { headers: bearer(f.keys.admin) })).json()) as {
      scope: string;
      lastUsedAt: number | null;
    }[];
    const read = keys.find((k) => k.scope === 'read');
    assert.ok(typeof read?.lastUsedAt === 'number', 'the read key has a lastUsedAt');
  });
});
