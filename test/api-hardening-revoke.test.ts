/**
 * A key revoked anywhere (here: straight in the store, through a second handle, as
 * `longrun keys revoke` and other processes do) is refused on every request path within the key
 * cache's one second: the direct `GET /api/v1/jobs/:id` path, the Hono routes, and a dashboard
 * session made from it. The clock is injected, so "one second later" is exact.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApiKey } from '../src/api/auth.ts';
import { fakeClock } from '../src/core/clock.ts';
import {
  bearer,
  type CountedFixture,
  countedFixture,
  send,
  serveRecordingDirect,
} from './api-hardening-helpers.ts';

describe('a key revoked in the store', () => {
  const clock = fakeClock(10_000_000);
  let f: CountedFixture;
  let served: Awaited<ReturnType<typeof serveRecordingDirect>>;
  let jobId: string;
  before(async () => {
    f = await countedFixture({ clock });
    served = await serveRecordingDirect(f.app);
    jobId = (await f.longrun.enqueue('test.idle', {})).job.id;
  });
  after(async () => {
    await served.close();
    await f.close();
  });

  it('is refused on the direct path, the Hono routes and its sessions 1 s later, not before', async () => {
    const { key, record } = await createApiKey(f.store, { workspace: 'default', scope: 'read' });
    const signIn = await send(served.url, '/api/v1/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key }),
    });
    assert.equal(signIn.status, 201);
    const cookie = { cookie: String(signIn.headers['set-cookie']).split(';')[0]! };
    const requests = [
      { what: 'direct', path: `/api/v1/jobs/${jobId}`, headers: bearer(key) },
      { what: 'Hono', path: '/api/v1/jobs?limit=1', headers: bearer(key) },
      { what: 'session', path: `/api/v1/jobs/${jobId}`, headers: cookie },
    ];
    const statuses = async () => {
      const out: number[] = [];
      for (const r of requests) out.push((await send(served.url, r.path, { headers: r.headers })).status);
      return out;
    };

    assert.deepEqual(await statuses(), [200, 200, 200]);
    served.taken.length = 0;
    assert.deepEqual(await statuses(), [200, 200, 200]);
    assert.deepEqual(served.taken, [true, false, false], 'the key by id went the direct path');

    const peer = await f.openPeerStore();
    assert.equal(await peer.apiKeyRevoke({ id: record.id }), true);
    clock.advance(999);
    assert.deepEqual(await statuses(), [200, 200, 200], 'trusted for the cache second');
    clock.advance(1);
    served.taken.length = 0;
    assert.deepEqual(await statuses(), [401, 401, 401]);
    assert.deepEqual(served.taken, [false, false, false], 'the direct path no longer takes it');
  });
});
