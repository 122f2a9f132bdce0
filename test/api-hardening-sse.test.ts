/**
 * Event streams: caps per key and per process (429 too_many_streams), a client that takes nothing
 * closed after its missed heartbeats (and one that reads kept), and revocation ending the streams
 * already open: at once through this server's API, within 1 s when the key or session is revoked
 * straight in the store (what `longrun keys revoke` and another process do), with one lookup per
 * key per interval however many streams it holds.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApiKey, hashKey } from '../src/api/auth.ts';
import { bearer, type CountedFixture, countedFixture } from './api-hardening-helpers.ts';
import { expectError, type SseEvent, sseReader } from './api-helpers.ts';
import { waitFor } from './helpers.ts';

type Reader = ReturnType<typeof sseReader>;

/** Reads until the server ends the stream; the events read, and when it ended. */
async function untilEnd(r: Reader): Promise<{ events: SseEvent[]; endedAt: number }> {
  const events: SseEvent[] = [];
  for (let e = await r.next(); e; e = await r.next()) events.push(e);
  return { events, endedAt: Date.now() };
}

describe('event stream caps', () => {
  let f: CountedFixture;
  before(async () => {
    f = await countedFixture({ sse: { maxStreamsPerKey: 2, maxStreams: 3 } });
  });
  after(() => f.close());

  const open = (key: string) => f.app.request('/api/v1/events', { headers: bearer(key) });

  it('refuses a key past its cap and the process past its own, with a 429 that says which', async () => {
    const a = await open(f.keys.read);
    const b = await open(f.keys.read);
    assert.deepEqual([a.status, b.status], [200, 200]);
    const third = await open(f.keys.read);
    assert.equal(third.headers.get('retry-after'), '5');
    await expectError(third, 429, 'too_many_streams', /this key already holds its maximum of 2/);

    const c = await open(f.keys.write);
    assert.equal(c.status, 200, 'another key has its own');
    const fourth = await open(f.keys.admin);
    await expectError(fourth, 429, 'too_many_streams', /this server holds its maximum of 3/);

    // A stream that ends gives its slot back.
    await sseReader(a).cancel();
    const again = await open(f.keys.read);
    assert.equal(again.status, 200);
    for (const res of [b, c, again]) await sseReader(res).cancel();
  });
});

describe('a stream whose client takes nothing', () => {
  let f: CountedFixture;
  before(async () => {
    f = await countedFixture({ sse: { heartbeatMs: 40, maxMissedHeartbeats: 2, maxStreamsPerKey: 1 } });
  });
  after(() => f.close());

  const open = () => f.app.request('/api/v1/events', { headers: bearer(f.keys.read) });

  it('is torn down after its missed heartbeats, and frees its slot', { timeout: 30_000 }, async () => {
    const stalled = await open();
    assert.equal(stalled.status, 200);
    // The one slot of this key is taken until the server gives up on the stalled stream.
    await waitFor('the stalled stream to be closed', async () => {
      const res = await open();
      if (res.status === 200) {
        await sseReader(res).cancel();
        return true;
      }
      await expectError(res, 429, 'too_many_streams');
      return false;
    });
    // What was queued is still readable; then the stream errors instead of ending cleanly.
    const reader = sseReader(stalled);
    await assert.rejects(reader.all(), /took nothing for 2 heartbeat intervals/);
  });

  it('is kept while its client reads, heartbeat after heartbeat', { timeout: 30_000 }, async () => {
    const reader = sseReader(await open());
    let beats = 0;
    while (beats < 10) if (/heartbeat \d+/.test(await reader.nextComment())) beats++;
    await reader.cancel();
  });
});

describe('revoking a key or a session ends the streams open with it', () => {
  let f: CountedFixture;
  let jobId: string;
  before(async () => {
    f = await countedFixture({ count: ['apiKeyFindByHash', 'sessionFind'] });
    jobId = (await f.longrun.enqueue('test.stepped', { gate: 'hardening-revoke', items: 1 })).job.id;
  });
  after(() => f.close());

  const signIn = async (key: string) => {
    const res = await f.app.request('/api/v1/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key }),
    });
    assert.equal(res.status, 201);
    return { cookie: res.headers.get('set-cookie')!.split(';')[0]! };
  };

  /** A job stream and a workspace stream with the key, and a workspace stream with a session made from it. */
  const openAll = async (key: string) => {
    const session = await signIn(key);
    const responses = [
      await f.app.request(`/api/v1/jobs/${jobId}/events`, { headers: bearer(key) }),
      await f.app.request('/api/v1/events', { headers: bearer(key) }),
      await f.app.request('/api/v1/events', { headers: session }),
    ];
    for (const r of responses) assert.equal(r.status, 200);
    return responses.map((r) => untilEnd(sseReader(r)));
  };

  const endsWithUnauthorized = (events: SseEvent[]) => {
    const last = events.at(-1);
    assert.equal(last?.event, 'error', JSON.stringify(events.map((e) => e.event)));
    assert.equal(last?.data.code, 'unauthorized');
  };

  it('at once when the key is revoked through this server', { timeout: 30_000 }, async () => {
    const { key, record } = await createApiKey(f.store, { workspace: 'default', scope: 'read' });
    const streams = await openAll(key);
    const res = await f.app.request(`/api/v1/keys/${record.id}`, {
      method: 'DELETE',
      headers: bearer(f.keys.admin),
    });
    assert.equal(res.status, 204);
    const revokedAt = Date.now();
    for (const { events, endedAt } of await Promise.all(streams)) {
      endsWithUnauthorized(events);
      assert.ok(endedAt - revokedAt < 100, `ended ${endedAt - revokedAt} ms after the revoke`);
    }
  });

  it('within 1 s when the key is revoked straight in the store, from another handle', {
    timeout: 30_000,
  }, async () => {
    const { key, record } = await createApiKey(f.store, { workspace: 'default', scope: 'read' });
    const streams = await openAll(key);
    const peer = await f.openPeerStore();
    assert.equal(await peer.apiKeyRevoke({ id: record.id }), true);
    const revokedAt = Date.now();
    for (const { events, endedAt } of await Promise.all(streams)) {
      endsWithUnauthorized(events);
      assert.ok(endedAt - revokedAt < 1_000, `ended ${endedAt - revokedAt} ms after the revoke`);
    }
    const again = await f.app.request('/api/v1/events', { headers: bearer(key) });
    await expectError(again, 401, 'unauthorized');
  });

  it('within 1 s when a session is revoked in the store; the key’s own streams go on', {
    timeout: 30_000,
  }, async () => {
    const { key } = await createApiKey(f.store, { workspace: 'default', scope: 'read' });
    const session = await signIn(key);
    const bySession = untilEnd(sseReader(await f.app.request('/api/v1/events', { headers: session })));
    const byKey = sseReader(await f.app.request('/api/v1/events', { headers: bearer(key) }));
    const peer = await f.openPeerStore();
    assert.equal(await peer.sessionRevoke({ hash: hashKey(session.cookie.split('=')[1]!) }), true);
    const revokedAt = Date.now();
    const { events, endedAt } = await bySession;
    endsWithUnauthorized(events);
    assert.ok(endedAt - revokedAt < 1_000, `ended ${endedAt - revokedAt} ms after the revoke`);
    // The key's own stream outlives two more checks, and still carries events.
    const checks = f.calls.apiKeyFindByHash;
    await waitFor('two more checks', () => f.calls.apiKeyFindByHash >= checks + 2);
    const { job } = await f.longrun.enqueue('test.idle', {});
    const next = await byKey.next();
    assert.deepEqual([next?.event, next?.data.jobId], ['status', job.id]);
    await byKey.cancel();
  });

  it('costs one lookup per key per interval, however many streams the key holds', {
    timeout: 30_000,
  }, async () => {
    const { key } = await createApiKey(f.store, { workspace: 'default', scope: 'read' });
    const readers: Reader[] = [];
    for (let i = 0; i < 8; i++)
      readers.push(sseReader(await f.app.request('/api/v1/events', { headers: bearer(key) })));
    const start = { calls: f.calls.apiKeyFindByHash, at: Date.now() };
    await waitFor('four checks', () => f.calls.apiKeyFindByHash >= start.calls + 4);
    const intervals = (Date.now() - start.at) / 500;
    const lookups = f.calls.apiKeyFindByHash - start.calls;
    // Per stream, 8 streams would cost 8 lookups an interval and reach 4 within the first one.
    assert.ok(lookups <= Math.ceil(intervals) + 1, `${lookups} lookups in ${intervals.toFixed(1)} intervals`);
    for (const r of readers) await r.cancel();
  });
});
