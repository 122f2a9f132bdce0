/**
 * `longrun/api` mounted under `/jobs-api` in a host app, as docs/embedding.md shows it: in a
 * node:http server beside the host's own routes, and in a Hono app. Each serves the seed's three
 * endpoints (list, get, cancel) under the prefix, with pagination links and OpenAPI `servers` that
 * carry it, and leaves every other path to the host.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Hono } from 'hono';
import { type ApiHandler, createApiHandler, createApiKey } from '../src/api/index.ts';
import { createLongrun, createSqliteStore, type Longrun } from '../src/index.ts';
import { apiTestJobs, gate } from './api-helpers.ts';
import { tempDir, waitFor } from './helpers.ts';

const PREFIX = '/jobs-api';
type Send = (path: string, init?: RequestInit) => Promise<Response>;

let longrun: Longrun;
let api: ApiHandler;
let key: string;
let cleanup: () => void;

before(async () => {
  const tmp = tempDir();
  cleanup = tmp.cleanup;
  longrun = createLongrun({
    store: await createSqliteStore({ path: join(tmp.dir, 'embed.db') }),
    jobs: apiTestJobs,
  });
  longrun.start({ concurrency: 4 });
  key = (await createApiKey(longrun.store, { workspace: 'default', scope: 'write' })).key;
  api = createApiHandler({ longrun, basePath: `${PREFIX}/`, rateLimit: false });
});

after(async () => {
  gate('embed-node').allow(1_000);
  gate('embed-hono').allow(1_000);
  await longrun.stop({ graceMs: 1_000 });
  await longrun.store.close();
  cleanup();
});

/** The seed's three endpoints through `send`, which reaches the host app (not the API directly). */
async function seedEndpoints(send: Send, gateName: string): Promise<void> {
  const auth = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const create = (input: unknown) =>
    send(`${PREFIX}/api/v1/jobs`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ type: 'test.stepped', input }),
    });
  const first = await create({ gate: gateName, items: 3 });
  assert.equal(first.status, 201);
  const running = ((await first.json()) as { id: string }).id;
  assert.equal((await create({ gate: `${gateName}-other`, items: 0 })).status, 201);
  await waitFor('the job to start', async () => {
    const res = await send(`${PREFIX}/api/v1/jobs/${running}`, { headers: auth });
    return ((await res.json()) as { status: string }).status === 'running';
  });

  const list = await send(`${PREFIX}/api/v1/jobs?limit=1`, { headers: auth });
  assert.equal(list.status, 200);
  const page = (await list.json()) as { id: string }[];
  assert.equal(page.length, 1);
  assert.match(
    list.headers.get('link') ?? '',
    /^<\/jobs-api\/api\/v1\/jobs\?limit=1&cursor=[^>]+>; rel="next"$/,
  );

  const detail = await send(`${PREFIX}/api/v1/jobs/${running}`, { headers: auth });
  assert.equal(detail.status, 200);
  const job = (await detail.json()) as { id: string; status: string; logs: unknown[] };
  assert.equal(job.id, running);
  assert.ok(Array.isArray(job.logs));

  const cancel = await send(`${PREFIX}/api/v1/jobs/${running}/cancel`, { method: 'POST', headers: auth });
  assert.equal(cancel.status, 200);
  assert.deepEqual(await cancel.json(), { id: running, status: 'cancelled' });
  gate(gateName).allow(1);

  const missing = await send(`${PREFIX}/api/v1/jobs/no-such-job`, { headers: auth });
  assert.equal(missing.status, 404);
  assert.equal(((await missing.json()) as { error: { code: string } }).error.code, 'not_found');
  const wrongMethod = await send(`${PREFIX}/api/v1/jobs`, { method: 'PUT', headers: auth });
  assert.equal(wrongMethod.status, 405);
  const openapi = (await (await send(`${PREFIX}/api/v1/openapi.json`, { headers: auth })).json()) as {
    servers: { url: string }[];
  };
  assert.deepEqual(openapi.servers, [{ url: PREFIX }]);
}

describe('the API mounted under /jobs-api', () => {
  it('in a node:http server, beside the host’s own routes', async () => {
    const server = createServer((req, res) => {
      if (req.url?.startsWith(`${PREFIX}/`)) return api.listener(req, res);
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`host: ${req.url}`);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await seedEndpoints((path, init) => fetch(`${base}${path}`, init), 'embed-node');
      const host = await fetch(`${base}/api/v1/jobs`);
      assert.equal(await host.text(), 'host: /api/v1/jobs');
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('in a Hono app', async () => {
    const host = new Hono();
    host.get('/', (c) => c.text('host'));
    host.all(`${PREFIX}/*`, (c) => api.fetch(c.req.raw));
    await seedEndpoints((path, init) => Promise.resolve(host.request(path, init)), 'embed-hono');
    assert.equal(await (await host.request('/')).text(), 'host');
    assert.equal((await host.request('/api/v1/jobs')).status, 404);
  });

  it('refuses a base path that is not a URL path', () => {
    assert.throws(() => createApiHandler({ longrun, basePath: '/jobs api' }), /must be a URL path/);
  });
});
