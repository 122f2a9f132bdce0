/**
 * One pipeline for every request (src/api/pipeline.ts): a header given in one place reaches the
 * direct path of `GET /api/v1/jobs/:id`, the Hono routes, in-process answers and the adapter's error
 * answer alike; the app has no middleware the direct path would skip; and an id the direct path
 * takes is one the route's own schema takes.
 */
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { nodeRequestListener } from '../src/api/direct.ts';
import { IdParams, isPlainId } from '../src/api/schemas.ts';
import { type ApiFixture, apiFixture, expectError } from './api-helpers.ts';

const HEADER = 'x-frame-test';
const VALUE = 'said-once';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Whether the direct path answered it. */
  direct: boolean;
}

/** Serves the app as `longrun serve` does, noting which requests the direct path took. */
async function serve(f: ApiFixture): Promise<{
  send: (path: string, method?: string) => Promise<Answer>;
  raw: (text: string) => Promise<string>;
  close: () => Promise<void>;
}> {
  let took = false;
  const listener = nodeRequestListener({
    fetch: f.app.fetch,
    adapterError: f.app.adapterError,
    direct: (req, res) => {
      took = f.app.direct(req, res);
      return took;
    },
  });
  const server: Server = createServer(listener);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  const send = (path: string, method = 'GET') =>
    new Promise<Answer>((resolve, reject) => {
      took = false;
      const req = request(
        { host: '127.0.0.1', port, path, method, headers: { authorization: `Bearer ${f.keys.read}` } },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, direct: took }));
        },
      );
      req.on('error', reject);
      req.end();
    });
  const raw = (text: string) =>
    new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let got = '';
      socket.setEncoding('latin1');
      socket.on('data', (d) => {
        got += d;
      });
      socket.on('end', () => resolve(got));
      socket.on('error', reject);
      socket.write(text);
    });
  return {
    send,
    raw,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('a header added in one place', () => {
  let f: ApiFixture;
  let served: Awaited<ReturnType<typeof serve>>;
  let jobId: string;

  before(async () => {
    // Keys stay cached for a minute, so the direct path takes every request after the first.
    f = await apiFixture({ keyCacheMs: 60_000, responseHeaders: { [HEADER]: VALUE } });
    served = await serve(f);
    jobId = (await f.longrun.enqueue('test.idle', {}, { runAt: Date.now() + 3_600_000 })).job.id;
  });
  after(async () => {
    await served.close();
    await f.close();
  });

  it('is on the direct path’s answers, its errors included', async () => {
    const first = await served.send(`/api/v1/jobs/${jobId}`);
    assert.equal(first.direct, false, 'the key is not cached yet: Hono answers');
    assert.equal(first.headers[HEADER], VALUE);
    const hit = await served.send(`/api/v1/jobs/${jobId}`);
    const missing = await served.send('/api/v1/jobs/no-such-job');
    for (const [answer, status] of [
      [hit, 200],
      [missing, 404],
    ] as const) {
      assert.equal(answer.direct, true);
      assert.equal(answer.status, status);
      assert.equal(answer.headers[HEADER], VALUE);
    }
  });

  it('is on every Hono answer: routes, 404, 405, in process, and the adapter’s own 400', async () => {
    for (const [path, method, status] of [
      ['/api/v1/jobs', 'GET', 200],
      [`/api/v1/jobs/${jobId}/logs`, 'GET', 200],
      ['/healthz', 'GET', 200],
      ['/api/v1/nothing', 'GET', 404],
      [`/api/v1/jobs/${jobId}`, 'DELETE', 405],
    ] as const) {
      const answer = await served.send(path, method);
      assert.equal(answer.direct, false);
      assert.equal(answer.status, status, `${method} ${path}`);
      assert.equal(answer.headers[HEADER], VALUE, `${method} ${path}`);
    }
    const inProcess = await f.req(`/api/v1/jobs/${jobId}`, { key: f.keys.read });
    assert.equal(inProcess.headers.get(HEADER), VALUE);
    const stream = await f.req('/api/v1/events', { key: f.keys.read });
    assert.equal(stream.headers.get(HEADER), VALUE, 'a Response the handler built itself');
    await stream.body?.cancel();
    const unusable = await served.raw('GET * HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    assert.match(unusable, /^HTTP\/1\.1 400 /);
    assert.match(unusable, new RegExp(`\r\n${HEADER}: ${VALUE}\r\n`, 'i'));
  });

  it('is refused at start-up when it is no valid header', async () => {
    await assert.rejects(apiFixture({ responseHeaders: { 'bad name': 'x' } }), /header name/i);
  });
});

describe('the Hono app', () => {
  it('has one middleware, the frame: every other step is a pipeline function the direct path calls too', async () => {
    const f = await apiFixture({ basePath: '/jobs-api' });
    try {
      const routePaths = new Set(f.app.routeTable.map((r) => `/jobs-api${r.path}`));
      const middleware = f.app.routes.filter((r) => r.method === 'ALL' && !routePaths.has(r.path));
      assert.deepEqual(
        middleware.map((r) => r.path),
        ['/jobs-api/*'],
      );
    } finally {
      await f.close();
    }
  });
});

describe('an id', () => {
  it('that the direct path takes as it arrived is one IdParams takes', () => {
    for (const id of ['a', 'a'.repeat(200), '019a-b_C', 'x'.repeat(201), 'a%41', 'a?b', 'a/b', '', 'é']) {
      if (isPlainId(id)) assert.ok(IdParams.safeParse({ id }).success, id);
    }
    assert.ok(isPlainId('a'.repeat(200)));
    assert.ok(!isPlainId('a'.repeat(201)));
  });

  it('too long for IdParams is left to Hono, which answers the 400', async () => {
    const f = await apiFixture({ keyCacheMs: 60_000 });
    const served = await serve(f);
    try {
      await served.send('/api/v1/jobs/warm-the-key-cache');
      const long = await served.send(`/api/v1/jobs/${'a'.repeat(201)}`);
      assert.equal(long.direct, false);
      assert.equal(long.status, 400);
      const longest = await served.send(`/api/v1/jobs/${'a'.repeat(200)}`);
      assert.equal(longest.direct, true);
      assert.equal(longest.status, 404);
      await expectError(await f.req(`/api/v1/jobs/${'a'.repeat(201)}`), 400, 'invalid_input', /id/);
    } finally {
      await served.close();
      await f.close();
    }
  });
});
