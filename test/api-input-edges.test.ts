/**
 * The edges of what a client can send: bodies nested deep enough to overflow a recursive walk, NUL
 * characters (which PostgreSQL text cannot hold), bodies and query parameters on routes that take
 * none, and bytes that are not HTTP at all. Every one answers 4xx with the envelope.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { jsonDepth, MAX_JSON_DEPTH } from '../src/api/body.ts';
import { ErrorSchema } from '../src/api/schemas.ts';
import { type ApiFixture, apiFixture, expectError, listen } from './api-helpers.ts';

const nested = (depth: number, leaf = '1') => '['.repeat(depth) + leaf + ']'.repeat(depth);

describe('deeply nested bodies', () => {
  let f: ApiFixture;
  before(async () => {
    f = await apiFixture();
  });
  after(() => f.close());

  it('counts depth without recursion, ignoring brackets inside strings', () => {
    assert.equal(jsonDepth('{"a":[1,{"b":"[[[{{{"}]}'), 3);
    assert.equal(jsonDepth('"\\"[[["'), 0);
    assert.equal(jsonDepth(nested(100_000)), 100_000);
  });

  it('refuses a body nested past the limit with 400, even with an Idempotency-Key', async () => {
    // The junk field is not in the schema, so validation strips it without walking it; the
    // idempotency hash and the store used to walk it and overflow the stack (a 500).
    for (const depth of [MAX_JSON_DEPTH + 1, 200_000]) {
      const body = `{"type":"test.idle","input":{"junk":${nested(depth)}}}`;
      const res = await f.req('/api/v1/jobs', {
        method: 'POST',
        body,
        headers: { 'idempotency-key': `deep-${depth}` },
      });
      await expectError(res, 400, 'invalid_input', /nests deeper than 100 levels/);
    }
  });

  it('accepts a body exactly at the limit', async () => {
    // Two levels are the body object and `input`.
    const body = `{"type":"test.idle","input":{"junk":${nested(MAX_JSON_DEPTH - 2)}}}`;
    const res = await f.req('/api/v1/jobs', {
      method: 'POST',
      body,
      headers: { 'idempotency-key': 'at-limit' },
    });
    assert.equal(res.status, 201, await res.text());
  });
});

describe('NUL characters', () => {
  let f: ApiFixture;
  let jobId: string;
  before(async () => {
    f = await apiFixture();
    jobId = (await f.longrun.enqueue('test.idle', {})).job.id;
  });
  after(() => f.close());

  it('are a 400 wherever client text reaches the store, on every backend alike', async () => {
    const nul = /NUL/;
    await expectError(await f.req('/api/v1/jobs/ab%00cd'), 400, 'invalid_input', nul);
    await expectError(
      await f.req('/api/v1/jobs/ab%00cd/cancel', { method: 'POST' }),
      400,
      'invalid_input',
      nul,
    );
    await expectError(await f.req(`/api/v1/jobs/${jobId}/items?step=a%00b`), 400, 'invalid_input', nul);
    // An item cursor carries one NUL between step and key; a forged one with a second is refused.
    const cursors = await f.longrun.cursors();
    const forged = Buffer.from('i1.step\u0000key\u0000more').toString('base64url');
    await expectError(
      await f.req(`/api/v1/jobs/${jobId}/items?cursor=${forged}`),
      400,
      'invalid_input',
      /cursor/,
    );
    await expectError(
      await f.req(`/api/v1/jobs/${jobId}/items?cursor=${cursors.encodeItem('step', 'key\u0000more')}`),
      400,
      'invalid_input',
      /cursor/,
    );
    const honest = cursors.encodeItem('step', 'key');
    assert.equal((await f.req(`/api/v1/jobs/${jobId}/items?cursor=${honest}`)).status, 200);
    await expectError(
      await f.req('/api/v1/jobs', {
        method: 'POST',
        body: { type: 'test.idle', input: {}, name: 'a\u0000b' },
      }),
      400,
      'invalid_input',
      nul,
    );
    await expectError(
      await f.req('/api/v1/keys', { method: 'POST', body: { scope: 'read', name: 'k\u0000' } }),
      400,
      'invalid_input',
      nul,
    );
  });

  it('inside job input are data, stored and returned as sent', async () => {
    const res = await f.req('/api/v1/jobs', {
      method: 'POST',
      body: { type: 'test.stepped', input: { gate: 'a\u0000b', items: 0 }, name: 'fine' },
    });
    assert.equal(res.status, 201);
    const created = (await res.json()) as { id: string };
    const detail = (await (await f.req(`/api/v1/jobs/${created.id}`)).json()) as { input: unknown };
    assert.deepEqual(detail.input, { gate: 'a\u0000b', items: 0 });
  });
});

describe('routes that take no body or no query', () => {
  let f: ApiFixture;
  before(async () => {
    f = await apiFixture();
  });
  after(() => f.close());

  const pending = async () => (await f.longrun.enqueue('test.idle', {})).job.id;

  it('accept no body, an empty body of any type, or {}', async () => {
    const cancel = async (init: { body?: string; headers?: Record<string, string> }) =>
      f.req(`/api/v1/jobs/${await pending()}/cancel`, { method: 'POST', ...init });
    assert.equal((await cancel({})).status, 200);
    assert.equal((await cancel({ body: '', headers: { 'content-type': 'text/plain' } })).status, 200);
    assert.equal((await cancel({ body: '{}' })).status, 200);
  });

  it('refuse a body with fields (400, naming them) or of another type (415)', async () => {
    const id = await pending();
    const path = `/api/v1/jobs/${id}/cancel`;
    await expectError(
      await f.req(path, { method: 'POST', body: { force: true } }),
      400,
      'invalid_input',
      /force/,
    );
    await expectError(
      await f.req(path, { method: 'POST', body: 'now', headers: { 'content-type': 'text/plain' } }),
      415,
      'unsupported_media_type',
    );
    await expectError(await f.req(path, { method: 'POST', body: '[1]' }), 400, 'invalid_input');
    // Nothing happened to the job.
    assert.equal((await f.longrun.getJob(id))?.status, 'pending');
    const keys = (await (await f.req('/api/v1/keys')).json()) as { id: string }[];
    await expectError(
      await f.req(`/api/v1/keys/${keys[0]!.id}`, { method: 'DELETE', body: { really: 1 } }),
      400,
      'invalid_input',
      /really/,
    );
  });

  it('refuse query parameters they do not take, naming them', async () => {
    const id = await pending();
    await expectError(await f.req(`/api/v1/jobs/${id}?verbose=1`), 400, 'invalid_input', /verbose/);
    await expectError(await f.req('/api/v1/stats?cache=no'), 400, 'invalid_input', /cache/);
    // Probes and scrapers may add cache-busters to the public routes.
    assert.equal((await f.req('/healthz?_=1732838400000', { key: null })).status, 200);
    assert.equal((await f.req(`/api/v1/jobs/${id}?`)).status, 200);
  });
});

describe('requests that are not HTTP', () => {
  let f: ApiFixture;
  let server: { url: string; close: () => Promise<void> };
  before(async () => {
    f = await apiFixture();
    server = await listen(f.app);
  });
  after(async () => {
    await server.close();
    await f.close();
  });

  /** Sends raw bytes and returns everything the server wrote before closing (at most 5 s). */
  const raw = (bytes: string) =>
    new Promise<string>((resolve, reject) => {
      const { port } = new URL(server.url);
      const socket = net.connect(Number(port), '127.0.0.1', () => socket.write(bytes));
      let out = '';
      socket.setTimeout(5_000, () => {
        socket.destroy();
        reject(new Error(`no close within 5 s; got: ${out.slice(0, 200)}`));
      });
      socket.on('data', (d) => {
        out += d;
      });
      socket.on('close', () => resolve(out));
      // A reset after the answer arrived is the server closing; the answer is what counts.
      socket.on('error', (err) => (out ? resolve(out) : reject(err)));
    });

  const envelope = (response: string) => {
    const [head, body] = response.split('\r\n\r\n');
    return { head: head ?? '', error: ErrorSchema.parse(JSON.parse(body ?? '')).error };
  };

  it('answer a broken request line with 400 malformed_request in the envelope', async () => {
    const r = envelope(await raw('HELLO THERE\r\n\r\n'));
    assert.match(r.head, /^HTTP\/1\.1 400 /);
    assert.match(r.head, /content-type: application\/json/i);
    assert.equal(r.error.code, 'malformed_request');
  });

  it('answer a control character in a header with 400 malformed_request', async () => {
    const r = envelope(await raw('GET /healthz HTTP/1.1\r\nHost: x\r\nX-Bad: a\u0001b\r\n\r\n'));
    assert.equal(r.error.code, 'malformed_request');
  });

  it('answer a broken chunked body with a 400 in the envelope, and keep serving', async () => {
    const r = envelope(
      await raw(
        'POST /api/v1/jobs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
          `Authorization: Bearer ${f.keys.write}\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"typ\r\nZZZ\r\n\r\n`,
      ),
    );
    assert.match(r.head, /^HTTP\/1\.1 400 /);
    assert.equal(r.error.code, 'malformed_request');
    const after = await fetch(`${server.url}/healthz`);
    assert.equal(after.status, 200, 'the server is still up');
  });

  it('answer a request without a usable URL with 400 in the envelope, and a request id', async () => {
    // The Node adapter refuses these before Hono sees them; its own answer is an empty 400.
    for (const [target, host] of [
      ['/healthz', 'localhost:99999'],
      ['/api/v1/jobs', 'example.com/evil'],
      ['*', 'localhost'],
      ['/a\\b', 'example.com/evil'],
    ]) {
      const r = envelope(await raw(`GET ${target} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`));
      assert.match(r.head, /^HTTP\/1\.1 400 /, `${target} on ${host}`);
      assert.match(r.head, /content-type: application\/json/i);
      assert.match(r.head, /x-request-id: [\w-]{36}/i);
      assert.equal(r.error.code, 'invalid_input');
      assert.equal(r.error.details?.[0]?.path, 'request');
    }
  });

  it('answer oversized headers with 431 headers_too_large', async () => {
    const r = envelope(await raw(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`));
    assert.match(r.head, /^HTTP\/1\.1 431 /);
    assert.equal(r.error.code, 'headers_too_large');
  });
});
