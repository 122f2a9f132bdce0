/**
 * The direct path of `GET /api/v1/jobs/:id` (src/api/direct.ts) over real sockets: what it takes it
 * answers exactly as the Hono route does (status, body, headers, rate limit, metrics, errors), and
 * what is not the plain case it leaves to Hono untouched.
 */
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../src/api/app.ts';
import { DIRECT_ROUTE, nodeRequestListener } from '../src/api/direct.ts';
import type { KeyRateLimiter, RateVerdict } from '../src/api/rate-limit.ts';
import { type ApiFixture, apiFixture, gate } from './api-helpers.ts';
import { waitFor } from './helpers.ts';

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

interface Served {
  url: string;
  /** Per request, whether the direct path answered it. */
  taken: boolean[];
  close(): Promise<void>;
}

/** `direct: false` serves every request through Hono's Node adapter: the reference answer. */
async function serveApp(app: ApiFixture['app'], opts: { direct: boolean }): Promise<Served> {
  const taken: boolean[] = [];
  const listener = nodeRequestListener(
    {
      fetch: app.fetch,
      adapterError: app.adapterError,
      direct: (req, res) => {
        const took = opts.direct && app.direct(req, res);
        taken.push(took);
        return took;
      },
    },
    { hostname: '127.0.0.1' },
  );
  const server: Server = createServer(listener);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    taken,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** One request with full control over method, headers and body (fetch refuses a body on GET). */
function send(
  url: string,
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => {
        body += d;
      });
      res.on('end', () => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (k !== 'date') headers[k] = String(v);
        resolve({ status: res.statusCode ?? 0, headers, body });
      });
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** Bytes as they are (a missing `Host`, a header twice); the status line of the answer. */
function sendRaw(url: string, text: string): Promise<number> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    let got = '';
    socket.setEncoding('latin1');
    socket.on('data', (d) => {
      got += d;
    });
    socket.on('end', () => resolve(Number(/^HTTP\/1\.[01] (\d{3})/.exec(got)?.[1] ?? 0)));
    socket.on('error', reject);
    socket.setTimeout(5_000, () => socket.destroy(new Error(`no answer to ${JSON.stringify(text)}`)));
    // No half-close: Node's server drops a request still in flight when the client sends FIN.
    socket.write(text);
  });
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

/** A job that stays pending for the whole test (due in an hour). */
async function parkedJob(f: ApiFixture, workspaceId?: string): Promise<string> {
  return (await f.longrun.enqueue('test.idle', {}, { runAt: Date.now() + 3_600_000, workspaceId })).job.id;
}

/**
 * A fixture whose keys stay cached for a minute (so no request falls back because a slow machine
 * let one expire), served with the direct path, and a parked job; all closed afterwards.
 */
async function withDirectServer(
  opts: Parameters<typeof apiFixture>[0],
  fn: (f: ApiFixture, served: Served, id: string) => Promise<void>,
): Promise<void> {
  const f = await apiFixture({ keyCacheMs: 60_000, ...opts });
  const served = await serveApp(f.app, { direct: true });
  try {
    await fn(f, served, await parkedJob(f));
  } finally {
    await served.close();
    await f.close();
  }
}

/** `n` GETs of one job, one after another. */
async function getJobTimes(served: Served, id: string, key: string, n: number): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let i = 0; i < n; i++)
    answers.push(await send(served.url, `/api/v1/jobs/${id}`, { headers: bearer(key) }));
  return answers;
}

describe('GET /api/v1/jobs/:id on the direct path', () => {
  let f: ApiFixture;
  let direct: Served;
  let hono: Served;
  let done: string;
  let pending: string;
  let foreign: string;

  before(async () => {
    // A key stays cached for a minute, so no request here falls back because a slow machine let it expire.
    f = await apiFixture({ workers: true, keyCacheMs: 60_000 });
    direct = await serveApp(f.app, { direct: true });
    hono = await serveApp(f.app, { direct: false });
    done = (await f.longrun.enqueue('test.stepped', { gate: 'direct-done', items: 3, fail: [1] })).job.id;
    gate('direct-done').allow(3);
    await waitFor(
      'the stepped job to finish',
      async () => (await f.longrun.getJob(done)).status === 'completed',
    );
    pending = await parkedJob(f);
    foreign = await parkedJob(f, 'other');
  });
  after(async () => {
    await direct.close();
    await hono.close();
    await f.close();
  });

  it('answers as the Hono route does, byte for byte, once the key is cached', async () => {
    const headers = { ...bearer(f.keys.read), 'x-request-id': 'same-id-for-both' };
    await send(direct.url, `/api/v1/jobs/${pending}`, { headers });
    direct.taken.length = 0;
    for (const id of [done, pending, foreign, 'no-such-job']) {
      const viaDirect = await send(direct.url, `/api/v1/jobs/${id}`, { headers });
      const viaHono = await send(hono.url, `/api/v1/jobs/${id}`, { headers });
      assert.deepEqual(viaDirect, viaHono, id);
    }
    assert.deepEqual(direct.taken, [true, true, true, true]);
    const job = JSON.parse((await send(direct.url, `/api/v1/jobs/${done}`, { headers })).body);
    assert.ok(
      job.logs.length > 0 && job.steps.length > 0 && job.attempts.length > 0,
      'compared with all parts',
    );
  });

  it('sets a new request id unless the client sent a sane one', async () => {
    const a = await send(direct.url, `/api/v1/jobs/${pending}`, { headers: bearer(f.keys.read) });
    assert.match(a.headers['x-request-id'] ?? '', /^[0-9a-f-]{36}$/);
    const b = await send(direct.url, `/api/v1/jobs/${pending}`, {
      headers: { ...bearer(f.keys.read), 'x-request-id': 'bad id with spaces' },
    });
    assert.match(b.headers['x-request-id'] ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(direct.taken.at(-1), true);
  });

  it('leaves everything that is not the plain case to Hono, which answers it', async () => {
    const read = bearer(f.keys.read);
    const wrongKey = f.keys.read.slice(0, -1) + (f.keys.read.endsWith('0') ? '1' : '0');
    const cases: [string, Parameters<typeof send>[2], number][] = [
      [`/api/v1/jobs/${pending}?verbose=1`, { headers: read }, 400],
      [`/api/v1/jobs/${pending}/`, { headers: read }, 404],
      ['/api/v1/jobs/%6E%6F', { headers: read }, 404],
      [
        `/api/v1/jobs/${pending}`,
        { headers: { ...read, 'content-type': 'application/json', 'content-length': '2' }, body: '{}' },
        200,
      ],
      [`/api/v1/jobs/${pending}`, { method: 'HEAD', headers: read }, 200],
      ['/api/v1/jobs/no-such-job/cancel', { method: 'POST', headers: bearer(f.keys.write) }, 404],
      [`/api/v1/jobs/${pending}`, {}, 401],
      [`/api/v1/jobs/${pending}`, { headers: bearer(wrongKey) }, 401],
      [`/api/v1/jobs/${pending}`, { headers: { authorization: 'Bearer nonsense' } }, 401],
    ];
    for (const [path, opts, status] of cases) {
      direct.taken.length = 0;
      const res = await send(direct.url, path, opts);
      assert.equal(res.status, status, `${opts?.method ?? 'GET'} ${path}: ${res.body}`);
      assert.deepEqual(direct.taken, [false], `${opts?.method ?? 'GET'} ${path} went to Hono`);
    }
  });

  it('leaves an unusual Host or a second Authorization header to Hono, which answers as before', async () => {
    const get = (head: string, version = '1.1') =>
      `GET /api/v1/jobs/${pending} HTTP/${version}\r\n${head}Connection: close\r\n\r\n`;
    const auth = `Authorization: Bearer ${f.keys.read}\r\n`;
    const cases: [string, string, number][] = [
      // Node keeps the first of two; the adapter joins them, and the joined value is no key.
      ['a second key after the valid one', get(`Host: x\r\n${auth}Authorization: Bearer junk\r\n`), 401],
      ['the valid key twice', get(`Host: x\r\n${auth}${auth}`), 401],
      // Without Host, the adapter stands in the listener's hostname.
      ['HTTP/1.0 without Host', get(auth, '1.0'), 200],
      ['a Host the adapter refuses', get(`Host: example.com/evil\r\n${auth}`), 400],
      ['an out-of-range port', get(`Host: localhost:99999\r\n${auth}`), 400],
    ];
    for (const [what, text, status] of cases) {
      direct.taken.length = 0;
      assert.equal(await sendRaw(direct.url, text), status, what);
      assert.deepEqual(direct.taken, [false], `${what} went to Hono`);
      assert.equal(await sendRaw(hono.url, text), status, `${what}, Hono alone`);
    }
    assert.equal(await sendRaw(direct.url, 'GET /healthz HTTP/1.0\r\n\r\n'), 200, 'a probe without Host');
  });

  it('takes a key only once it authenticated, and drops it the moment it is revoked', async () => {
    const { key, record } = await import('../src/api/auth.ts').then((m) =>
      m.createApiKey(f.store, { workspace: 'default', scope: 'read' }),
    );
    direct.taken.length = 0;
    for (let i = 0; i < 2; i++)
      assert.equal((await send(direct.url, `/api/v1/jobs/${pending}`, { headers: bearer(key) })).status, 200);
    const revoked = await send(direct.url, `/api/v1/keys/${record.id}`, {
      method: 'DELETE',
      headers: bearer(f.keys.admin),
    });
    assert.equal(revoked.status, 204, revoked.body);
    const after = await send(direct.url, `/api/v1/jobs/${pending}`, { headers: bearer(key) });
    assert.equal(after.status, 401);
    assert.deepEqual(direct.taken, [false, true, false, false]);
  });

  it('counts its requests in the route latency histogram', async () => {
    const count = async () => {
      const text = (await send(direct.url, '/metrics', { headers: bearer(f.keys.admin) })).body;
      const line = text
        .split('\n')
        .find((l) =>
          l.startsWith(
            `longrun_http_request_duration_seconds_count{method="GET",route="${DIRECT_ROUTE}",status="200"}`,
          ),
        );
      return Number(line?.split(' ').at(-1) ?? 0);
    };
    const before = await count();
    direct.taken.length = 0;
    for (let i = 0; i < 5; i++)
      await send(direct.url, `/api/v1/jobs/${pending}`, { headers: bearer(f.keys.read) });
    assert.deepEqual(direct.taken.slice(0, 5), [true, true, true, true, true]);
    assert.equal((await count()) - before, 5);
  });

  it('is the only GET route of the shape /api/v1/jobs/<one segment>, static or not', () => {
    const sameShape = f.app.routeTable
      .filter((r) => r.method === 'get' && /^\/api\/v1\/jobs\/[^/]+$/.test(r.path))
      .map((r) => r.path);
    assert.deepEqual(sameShape, [DIRECT_ROUTE]);
  });
});

describe('the direct path and the rate limit', () => {
  it('answers each request of a draining bucket as Hono does with a bucket of its own', async () => {
    const limit = { perMinute: 1, burst: 3 };
    await withDirectServer({ rateLimit: limit }, async (f, served, id) => {
      const reference = await serveApp(createApp({ longrun: f.longrun, rateLimit: limit }), {
        direct: false,
      });
      try {
        const headers = { ...bearer(f.keys.read), 'x-request-id': 'one-id' };
        for (let i = 0; i < 5; i++) {
          const viaDirect = await send(served.url, `/api/v1/jobs/${id}`, { headers });
          const viaHono = await send(reference.url, `/api/v1/jobs/${id}`, { headers });
          assert.deepEqual(viaDirect, viaHono, `request ${i + 1}`);
        }
        assert.deepEqual(served.taken, [false, true, true, true, true]);
      } finally {
        await reference.close();
      }
    });
  });

  it('spends the same bucket and answers 429 with Retry-After when it is empty', async () => {
    await withDirectServer({ rateLimit: { perMinute: 1, burst: 3 } }, async (f, served, id) => {
      const answers = await getJobTimes(served, id, f.keys.read, 4);
      assert.deepEqual(
        served.taken,
        [false, true, true, true],
        'the first request authenticates through Hono',
      );
      assert.deepEqual(
        answers.map((a) => [a.status, a.headers['x-ratelimit-remaining']]),
        [
          [200, '2'],
          [200, '1'],
          [200, '0'],
          [429, undefined],
        ],
      );
      const limited = answers[3]!;
      assert.match(limited.headers['retry-after'] ?? '', /^\d+$/);
      assert.equal(JSON.parse(limited.body).error.code, 'rate_limited');
    });
  });

  it('waits for a limiter that answers through a promise (an HTTP process borrowing tokens)', async () => {
    const verdicts: RateVerdict[] = [
      { ok: true, remaining: 7 },
      { ok: true, remaining: 6 },
      { ok: false, retryAfterS: 2 },
    ];
    const borrowed: KeyRateLimiter = {
      take: () => new Promise((r) => setTimeout(() => r(verdicts.shift() ?? { ok: true, remaining: 0 }), 5)),
    };
    await withDirectServer({ rateLimit: borrowed }, async (f, served, id) => {
      const answers = await getJobTimes(served, id, f.keys.read, 3);
      assert.deepEqual(served.taken, [false, true, true]);
      assert.deepEqual(
        answers.map((a) => [a.status, a.headers['x-ratelimit-remaining'], a.headers['retry-after']]),
        [
          [200, '7', undefined],
          [200, '6', undefined],
          [429, undefined, '2'],
        ],
      );
    });
  });
});

describe('the direct path when the store is gone', () => {
  it('answers 503 store_unavailable with Retry-After, in the envelope', async () => {
    await withDirectServer({}, async (f, served, id) => {
      assert.equal((await getJobTimes(served, id, f.keys.read, 1))[0]!.status, 200);
      await f.store.close();
      const [res] = await getJobTimes(served, id, f.keys.read, 1);
      assert.deepEqual(served.taken, [false, true]);
      assert.equal(res!.status, 503, res!.body);
      assert.equal(res!.headers['retry-after'], '1');
      assert.equal(JSON.parse(res!.body).error.code, 'store_unavailable');
    });
  });
});
