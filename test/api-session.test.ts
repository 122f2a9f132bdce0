/**
 * Dashboard sessions over HTTP: an API key exchanged for an HttpOnly cookie that carries the key's
 * scope, writes by cookie only from the same origin (CSRF), sign-out and key revocation ending the
 * session; and the list filters (`q`, `input.…`) and the time series the dashboard reads.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SESSION_COOKIE } from '../src/api/session-auth.ts';
import { LongrunClient } from '../src/client/index.ts';
import { type ApiFixture, apiFixture, expectError } from './api-helpers.ts';
import { waitFor } from './helpers.ts';

let fx: ApiFixture;
before(async () => {
  fx = await apiFixture({ workers: true });
});
after(() => fx.close());

const SAME_ORIGIN = { origin: 'http://localhost', host: 'localhost' };

/** Signs in with `key`; returns the cookie pair a browser would send back. */
async function signIn(key: string): Promise<string> {
  const res = await fx.req('/api/v1/session', {
    method: 'POST',
    key: null,
    body: { key },
    headers: SAME_ORIGIN,
  });
  assert.equal(res.status, 201);
  const setCookie = res.headers.get('set-cookie') ?? '';
  assert.match(
    setCookie,
    new RegExp(`^${SESSION_COOKIE}=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Strict$`),
  );
  return setCookie.split(';')[0]!;
}

describe('dashboard sessions', () => {
  it('exchange a key for a cookie that carries its workspace and scope, never the key', async () => {
    const cookie = await signIn(fx.keys.read);
    assert.ok(!cookie.includes(fx.keys.read));
    const who = await fx.req('/api/v1/session', { key: null, headers: { cookie } });
    assert.equal(who.status, 200);
    assert.deepEqual(await who.json(), {
      workspace: 'default',
      scope: 'read',
      keyName: 'read key',
      idleTimeoutMs: 12 * 60 * 60 * 1000,
    });
    assert.equal((await fx.req('/api/v1/jobs', { key: null, headers: { cookie } })).status, 200);
    const write = await fx.req('/api/v1/jobs', {
      method: 'POST',
      key: null,
      headers: { cookie, ...SAME_ORIGIN },
      body: { type: 'test.quick', input: {} },
    });
    await expectError(write, 403, 'forbidden');
  });

  it('mark the cookie Secure behind HTTPS', async () => {
    const res = await fx.req('/api/v1/session', {
      method: 'POST',
      key: null,
      body: { key: fx.keys.read },
      headers: { 'x-forwarded-proto': 'https' },
    });
    assert.match(res.headers.get('set-cookie') ?? '', /; Secure$/);
  });

  it('refuse a bad key, a malformed cookie and a sign-in from another origin', async () => {
    await expectError(
      await fx.req('/api/v1/session', { method: 'POST', key: null, body: { key: 'lr_nope' } }),
      401,
      'unauthorized',
    );
    await expectError(
      await fx.req('/api/v1/jobs', { key: null, headers: { cookie: `${SESSION_COOKIE}=forged` } }),
      401,
      'unauthorized',
    );
    const crossSite = await fx.req('/api/v1/session', {
      method: 'POST',
      key: null,
      body: { key: fx.keys.admin },
      headers: { origin: 'https://evil.example', host: 'localhost' },
    });
    await expectError(crossSite, 403, 'csrf_rejected');
  });

  it('take cookie writes only from the same origin; Bearer writes are unchanged', async () => {
    const cookie = await signIn(fx.keys.write);
    const create = (headers: Record<string, string>) =>
      fx.req('/api/v1/jobs', {
        method: 'POST',
        key: null,
        headers: { cookie, ...headers },
        body: { type: 'test.quick' },
      });
    await expectError(
      await create({ origin: 'https://evil.example', host: 'localhost' }),
      403,
      'csrf_rejected',
    );
    await expectError(
      await create({ 'sec-fetch-site': 'same-site', origin: 'http://localhost' }),
      403,
      'csrf_rejected',
    );
    await expectError(await create({}), 403, 'csrf_rejected');
    assert.equal((await create({ 'sec-fetch-site': 'same-origin' })).status, 201);
    assert.equal((await create(SAME_ORIGIN)).status, 201);
    const bearer = await fx.req('/api/v1/jobs', {
      method: 'POST',
      key: fx.keys.write,
      body: { type: 'test.quick' },
    });
    assert.equal(bearer.status, 201);
  });

  it('end on sign-out and when their key is revoked', async () => {
    const cookie = await signIn(fx.keys.admin);
    const out = await fx.req('/api/v1/session', {
      method: 'DELETE',
      key: null,
      headers: { cookie, ...SAME_ORIGIN },
    });
    assert.equal(out.status, 204);
    assert.match(out.headers.get('set-cookie') ?? '', /Max-Age=0/);
    await expectError(
      await fx.req('/api/v1/session', { key: null, headers: { cookie } }),
      401,
      'unauthorized',
    );

    const made = await fx.req('/api/v1/keys', { method: 'POST', body: { name: 'temp', scope: 'read' } });
    const { id, key } = (await made.json()) as { id: string; key: string };
    const second = await signIn(key);
    assert.equal((await fx.req('/api/v1/jobs', { key: null, headers: { cookie: second } })).status, 200);
    assert.equal((await fx.req(`/api/v1/keys/${id}`, { method: 'DELETE' })).status, 204);
    // The session cache trusts a session for up to a second; past that the revocation shows.
    await new Promise((r) => setTimeout(r, 1_100));
    await expectError(
      await fx.req('/api/v1/jobs', { key: null, headers: { cookie: second } }),
      401,
      'unauthorized',
    );
  });
});

describe('list filters for the dashboard', () => {
  it('q keeps jobs whose name starts with it, LIKE wildcards taken literally', async () => {
    for (const name of ['50%_off sale', '50 percent', 'other']) {
      const res = await fx.req('/api/v1/jobs', {
        method: 'POST',
        body: { type: 'test.quick', name, input: {} },
      });
      assert.equal(res.status, 201);
    }
    const names = async (q: string) =>
      ((await (await fx.req(`/api/v1/jobs?q=${encodeURIComponent(q)}`)).json()) as { name: string }[]).map(
        (j) => j.name,
      );
    assert.deepEqual(await names('50%_'), ['50%_off sale']);
    assert.deepEqual((await names('50')).sort(), ['50 percent', '50%_off sale']);
  });

  it('input.<field> keeps jobs with that value, nested fields and numbers included', async () => {
    const make = (input: unknown) =>
      fx.req('/api/v1/jobs', { method: 'POST', body: { type: 'test.stepped', input, name: 'filter' } });
    const a = (await (await make({ gate: 'b1', items: 0 })).json()) as { id: string };
    const b = (await (await make({ gate: 'b2', items: 5 })).json()) as { id: string };
    const ids = async (query: string) =>
      ((await (await fx.req(`/api/v1/jobs?${query}`)).json()) as { id: string }[]).map((j) => j.id);
    assert.deepEqual(await ids('input.gate=b1'), [a.id]);
    assert.deepEqual(await ids('input.items=5'), [b.id]);
    assert.deepEqual(await ids('input.gate=b2&input.items=0'), []);
    const client = new LongrunClient({
      url: 'http://localhost',
      key: fx.keys.read,
      fetch: (url, init) => Promise.resolve(fx.app.request(String(url), init)),
    });
    const viaClient = await client.listJobs({ input: { gate: 'b1' }, q: 'filt' });
    assert.deepEqual(
      viaClient.jobs.map((j) => j.id),
      [a.id],
    );
    await expectError(
      await fx.req('/api/v1/jobs?input.=x'),
      400,
      'invalid_input',
      /unknown field\(s\): input\./,
    );
    await expectError(await fx.req('/api/v1/jobs?inptu.gate=x'), 400, 'invalid_input', /inptu/);
    await expectError(await fx.req('/api/v1/jobs?input.a.b.c.d.e=x'), 400, 'invalid_input', /input\.a\.b/);
    assert.equal((await fx.req('/api/v1/jobs?input.a.b.c.d=x')).status, 200);
  });

  it('the time series counts finished jobs per bucket of the window', async () => {
    const other = { key: fx.keys.other };
    for (const type of ['test.quick', 'test.quick', 'test.failing'])
      assert.equal(
        (await fx.req('/api/v1/jobs', { ...other, method: 'POST', body: { type, input: {} } })).status,
        201,
      );
    type Series = {
      bucketMs: number;
      since: number;
      buckets: { start: number; completed: number; failed: number }[];
    };
    const series = async (window: string) =>
      (await (await fx.req(`/api/v1/stats/timeseries?window=${window}`, other)).json()) as Series;
    const sum = (s: Series) =>
      s.buckets.reduce((a, b) => ({ completed: a.completed + b.completed, failed: a.failed + b.failed }), {
        completed: 0,
        failed: 0,
      });
    await waitFor(
      'the three jobs to finish',
      async () => sum(await series('1h')).completed + sum(await series('1h')).failed === 3,
    );
    const hour = await series('1h');
    assert.equal(hour.bucketMs, 60_000);
    assert.deepEqual(sum(hour), { completed: 2, failed: 1 });
    for (const b of hour.buckets) assert.ok(b.start >= hour.since && b.start % 60_000 === 0);
    assert.deepEqual(
      sum(
        await new LongrunClient({
          url: 'http://x',
          key: fx.keys.other,
          fetch: (u, i) => Promise.resolve(fx.app.request(String(u), i)),
        }).statsTimeseries('1h'),
      ),
      { completed: 2, failed: 1 },
    );
    const day = await series('24h');
    assert.equal(day.bucketMs, 3_600_000);
    assert.deepEqual(sum(day), { completed: 2, failed: 1 });
    await expectError(await fx.req('/api/v1/stats/timeseries?window=7d'), 400, 'invalid_input');
  });
});
