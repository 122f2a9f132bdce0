/**
 * The response headers, on both request paths over a real socket (the Hono router and the direct
 * `GET /api/v1/jobs/:id` path, recorded as taken) and in process: `X-Content-Type-Options: nosniff`
 * on every answer, `Cache-Control: no-store` on every answer of a route that needs a key (its
 * refusals included), and CORS off by default, an allow-list of origins when configured.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../src/api/app.ts';
import {
  bearer,
  type CountedFixture,
  countedFixture,
  type RawAnswer,
  send,
  serveRecordingDirect,
} from './api-hardening-helpers.ts';
import { sseReader } from './api-helpers.ts';

const ALLOWED = 'https://app.example.com';

/** The raw answer to bytes Node's parser refuses (client-errors.ts). */
function sendBytes(url: string, bytes: string): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1', () => socket.end(bytes));
    let text = '';
    socket.on('data', (d) => (text += d));
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
  });
}

async function setup(corsOrigins?: string[]) {
  const f = await countedFixture(corsOrigins ? { corsOrigins } : {});
  const served = await serveRecordingDirect(f.app);
  const jobId = (await f.longrun.enqueue('test.idle', {})).job.id;
  // The key's first request goes through Hono; from then on the cache holds it and the direct path takes it.
  await send(served.url, `/api/v1/jobs/${jobId}`, { headers: bearer(f.keys.read) });
  return { f, served, jobId };
}

describe('response headers with CORS off (the default)', () => {
  let s: Awaited<ReturnType<typeof setup>>;
  before(async () => {
    s = await setup();
  });
  after(async () => {
    await s.served.close();
    await s.f.close();
  });

  const get = async (path: string, headers: Record<string, string> = {}): Promise<RawAnswer> =>
    send(s.served.url, path, { headers });

  it('says nosniff and no-store on authenticated answers of both paths, errors included', async () => {
    s.served.taken.length = 0;
    const answers = {
      direct: await get(`/api/v1/jobs/${s.jobId}`, { ...bearer(s.f.keys.read), origin: ALLOWED }),
      list: await get('/api/v1/jobs?limit=1', { ...bearer(s.f.keys.read), origin: ALLOWED }),
      'direct 404': await get('/api/v1/jobs/nope', bearer(s.f.keys.read)),
      'no key': await get('/api/v1/jobs'),
      'low scope': await get('/api/v1/keys', bearer(s.f.keys.read)),
      'bad query': await get('/api/v1/jobs?limit=0', bearer(s.f.keys.read)),
    };
    assert.deepEqual(s.served.taken, [true, false, true, false, false, false]);
    assert.deepEqual(
      Object.values(answers).map((a) => a.status),
      [200, 200, 404, 401, 403, 400],
    );
    for (const [what, a] of Object.entries(answers)) {
      assert.equal(a.headers['x-content-type-options'], 'nosniff', what);
      assert.equal(a.headers['cache-control'], 'no-store', what);
      assert.equal(a.headers['access-control-allow-origin'], undefined, `${what}: no CORS`);
      assert.equal(a.headers.vary, undefined, what);
    }
  });

  it('says nosniff on public answers, unknown routes and what the parser refuses', async () => {
    for (const path of ['/healthz', '/readyz', '/api/v1/nope', '/'])
      assert.equal((await get(path)).headers['x-content-type-options'], 'nosniff', path);
    const refused = await sendBytes(s.served.url, 'GET / HTTP/1.1\r\nHost: x\r\nBad\u0001Header: 1\r\n\r\n');
    assert.match(refused, /^HTTP\/1\.1 400/);
    assert.match(refused, /\r\nX-Content-Type-Options: nosniff\r\n/i);
    const noUrl = await get('/api/v1/jobs', { host: 'localhost:99999' });
    assert.equal(noUrl.status, 400);
    assert.equal(noUrl.headers['x-content-type-options'], 'nosniff');
  });

  it('says nosniff and no-store on event streams', async () => {
    const res = await s.f.app.request('/api/v1/events', { headers: bearer(s.f.keys.read) });
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('cache-control'), 'no-store, no-transform');
    await sseReader(res).cancel();
  });

  it('grants no preflight', async () => {
    const pre = await send(s.served.url, '/api/v1/jobs', {
      method: 'OPTIONS',
      headers: { origin: ALLOWED, 'access-control-request-method': 'GET' },
    });
    assert.notEqual(pre.status, 204);
    assert.equal(pre.headers['access-control-allow-origin'], undefined);
  });
});

describe('response headers with an allow-list of origins', () => {
  let s: Awaited<ReturnType<typeof setup>>;
  before(async () => {
    s = await setup([`${ALLOWED}/`, 'http://localhost:5173']);
  });
  after(async () => {
    await s.served.close();
    await s.f.close();
  });

  it('allows a listed origin on both paths, by name, without credentials', async () => {
    s.served.taken.length = 0;
    for (const path of [`/api/v1/jobs/${s.jobId}`, '/api/v1/jobs?limit=1', '/api/v1/jobs/nope']) {
      const a = await send(s.served.url, path, { headers: { ...bearer(s.f.keys.read), origin: ALLOWED } });
      assert.equal(a.headers['access-control-allow-origin'], ALLOWED, path);
      assert.equal(a.headers.vary, 'Origin', path);
      assert.match(String(a.headers['access-control-expose-headers']), /X-Next-Cursor.*Retry-After/, path);
      assert.equal(a.headers['access-control-allow-credentials'], undefined, path);
      assert.equal(a.headers['x-content-type-options'], 'nosniff', path);
    }
    assert.deepEqual(s.served.taken, [true, false, true]);
  });

  it('allows no other origin, and says the answer varies by origin', async () => {
    s.served.taken.length = 0;
    for (const path of [`/api/v1/jobs/${s.jobId}`, '/api/v1/jobs?limit=1']) {
      for (const origin of ['https://evil.example', 'https://app.example.com.evil.example', 'null']) {
        const a = await send(s.served.url, path, { headers: { ...bearer(s.f.keys.read), origin } });
        assert.equal(a.status, 200);
        assert.equal(a.headers['access-control-allow-origin'], undefined, `${path} from ${origin}`);
        assert.equal(a.headers.vary, 'Origin');
      }
    }
    assert.deepEqual(s.served.taken, [true, true, true, false, false, false]);
  });

  it('answers a listed origin’s preflight before any key, and nobody else’s', async () => {
    const preflight = (origin: string) =>
      send(s.served.url, '/api/v1/jobs', {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, content-type',
        },
      });
    const granted = await preflight('http://localhost:5173');
    assert.equal(granted.status, 204);
    assert.equal(granted.headers['access-control-allow-origin'], 'http://localhost:5173');
    assert.match(String(granted.headers['access-control-allow-methods']), /POST/);
    assert.match(String(granted.headers['access-control-allow-headers']), /Authorization.*Content-Type/);
    assert.equal(granted.headers['access-control-max-age'], '600');
    const refused = await preflight('https://evil.example');
    assert.equal(refused.status, 405);
    assert.equal(refused.headers['access-control-allow-origin'], undefined);
  });

  it('adds them to event streams and to in-process answers too', async () => {
    const res = await s.f.app.request('/api/v1/events', {
      headers: { ...bearer(s.f.keys.read), origin: ALLOWED },
    });
    assert.equal(res.headers.get('access-control-allow-origin'), ALLOWED);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    await sseReader(res).cancel();
    const list = await s.f.app.request('/api/v1/jobs', {
      headers: { ...bearer(s.f.keys.read), origin: ALLOWED },
    });
    assert.equal(list.headers.get('access-control-allow-origin'), ALLOWED);
    assert.equal(list.headers.get('cache-control'), 'no-store');
  });

  it('refuses an allow-list entry that is not an origin', () => {
    for (const bad of ['*', 'app.example.com', 'https://app.example.com/path', 'ftp://x.example'])
      assert.throws(() => createApp({ longrun: s.f.longrun, corsOrigins: [bad] }), TypeError, bad);
  });
});

export type { CountedFixture };
