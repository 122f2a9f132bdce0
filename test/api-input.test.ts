/**
 * Hostile and sloppy input: every case answers 4xx with the error envelope, never a 500 or a stack.
 * Plus the two server-side failures a client can observe: a bug (500 `internal`, nothing leaked)
 * and a store that is down (503 `store_unavailable`).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { createApp } from '../src/api/app.ts';
import { ErrorSchema } from '../src/api/schemas.ts';
import { LongrunError } from '../src/core/errors.ts';
import { CursorCodec } from '../src/engine/cursor.ts';
import { createLongrun } from '../src/engine/longrun.ts';
import type { Store } from '../src/store/types.ts';
import { type ApiFixture, apiFixture, apiTestJobs, expectError } from './api-helpers.ts';

describe('input validation', () => {
  let f: ApiFixture;
  let jobId: string;
  before(async () => {
    f = await apiFixture();
    jobId = (await f.longrun.enqueue('test.idle', {})).job.id;
  });
  after(() => f.close());

  const post = (body: string | undefined, headers: Record<string, string> = {}) =>
    f.app.request('/api/v1/jobs', {
      method: 'POST',
      headers: { authorization: `Bearer ${f.keys.write}`, ...headers },
      body,
    });

  it('rejects malformed JSON with 400 invalid_json', async () => {
    for (const body of ['{', '{"type": "test.idle",}', 'nul', '\u0000']) {
      await expectError(await post(body, { 'content-type': 'application/json' }), 400, 'invalid_json');
    }
  });

  it('rejects bodies that are not JSON with 415', async () => {
    await expectError(
      await post('type=test.idle', { 'content-type': 'application/x-www-form-urlencoded' }),
      415,
      'unsupported_media_type',
    );
    await expectError(await post('{}', { 'content-type': 'text/plain' }), 415, 'unsupported_media_type');
    await expectError(await post('{}', {}), 415, 'unsupported_media_type');
    const ok = await post(JSON.stringify({ type: 'test.idle', input: {} }), {
      'content-type': 'application/json; charset=utf-8',
    });
    assert.equal(ok.status, 201);
  });

  it('rejects bodies over 1 MiB with 413, with or without Content-Length', async () => {
    const huge = JSON.stringify({ type: 'test.idle', input: { n: 1, pad: 'x'.repeat(1024 * 1024) } });
    await expectError(await post(huge, { 'content-type': 'application/json' }), 413, 'payload_too_large');
    // Chunked, no Content-Length: the reader counts bytes as they arrive.
    const chunks = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 20; i++) c.enqueue(new Uint8Array(64 * 1024).fill(32));
        c.close();
      },
    });
    const res = await f.app.request('/api/v1/jobs', {
      method: 'POST',
      headers: { authorization: `Bearer ${f.keys.write}`, 'content-type': 'application/json' },
      body: chunks,
      duplex: 'half',
    } as RequestInit);
    await expectError(res, 413, 'payload_too_large');
    // Even on a route without a body, a declared oversize body is refused before anything runs.
    const cancel = await f.app.request(`/api/v1/jobs/${jobId}/cancel`, {
      method: 'POST',
      headers: { authorization: `Bearer ${f.keys.write}`, 'content-type': 'application/json' },
      body: huge,
    });
    await expectError(cancel, 413, 'payload_too_large');
  });

  it('rejects unknown body fields and wrong types, naming them', async () => {
    const h = { 'content-type': 'application/json' };
    await expectError(
      await post(JSON.stringify({ type: 'test.idle', input: {}, colour: 'red' }), h),
      400,
      'invalid_input',
      /colour/,
    );
    await expectError(
      await post(JSON.stringify({ type: 'test.idle', priority: 'high' }), h),
      400,
      'invalid_input',
      /priority/,
    );
    await expectError(
      await post(JSON.stringify({ type: 'test.idle', maxAttempts: 0 }), h),
      400,
      'invalid_input',
      /maxAttempts/,
    );
    await expectError(await post(JSON.stringify([1, 2]), h), 400, 'invalid_input');
    await expectError(await post(JSON.stringify('text'), h), 400, 'invalid_input');
    await expectError(await post(undefined, {}), 400, 'invalid_input', /type/);
    const keyRes = await f.req('/api/v1/keys', { method: 'POST', body: { scope: 'root' } });
    await expectError(keyRes, 400, 'invalid_input', /scope/);
  });

  it('rejects negative, zero, huge, fractional and non-numeric limits, naming the range', async () => {
    for (const limit of ['-1', '0', '101', '1000000000000000000000', '1.5', 'abc', '', '1e2', '0x10', ' 5']) {
      const res = await f.req(`/api/v1/jobs?limit=${encodeURIComponent(limit)}`, { key: f.keys.read });
      await expectError(res, 400, 'invalid_input', /limit must be an integer from 1 to 100/);
    }
    for (const ok of ['1', '100', '20']) assert.equal((await f.req(`/api/v1/jobs?limit=${ok}`)).status, 200);
    await expectError(
      await f.req(`/api/v1/jobs/${jobId}/logs?limit=5000`),
      400,
      'invalid_input',
      /1 to 1000/,
    );
    await expectError(await f.req(`/api/v1/jobs/${jobId}/logs?after=-3`), 400, 'invalid_input', /after/);
    await expectError(await f.req(`/api/v1/jobs/${jobId}/items?limit=0`), 400, 'invalid_input', /limit/);
  });

  it('rejects a query parameter given twice instead of keeping one value silently', async () => {
    for (const query of [
      'status=running&status=pending',
      'limit=5&limit=6',
      'limit=5&st%61tus=running&status=pending',
    ]) {
      const res = await f.req(`/api/v1/jobs?${query}`);
      await expectError(res, 400, 'invalid_input', /given more than once/);
    }
    const res = await f.req('/api/v1/jobs?limit=5&limit=6');
    const body = (await res.json()) as { error: { details: { path: string }[] } };
    assert.deepEqual(
      body.error.details.map((d) => d.path),
      ['limit'],
    );
    for (const ok of ['status=running,pending', 'limit=5&&status=running', 'limit=5&']) {
      assert.equal((await f.req(`/api/v1/jobs?${ok}`)).status, 200, ok);
    }
  });

  it('rejects invalid status and category values, naming the allowed ones', async () => {
    const s = await f.req('/api/v1/jobs?status=running,done');
    await expectError(s.clone(), 400, 'invalid_input', /pending, running, completed, failed, cancelled/);
    const details = ((await s.json()) as { error: { details: { path: string; allowed: string[] }[] } }).error
      .details;
    assert.deepEqual(details[0], {
      path: 'status',
      message:
        'status must be one or more of pending, running, completed, failed, cancelled (comma-separated)',
      allowed: ['pending', 'running', 'completed', 'failed', 'cancelled'],
    });
    await expectError(
      await f.req('/api/v1/jobs?category=marketing'),
      400,
      'invalid_input',
      /seo, ai, sync, export/,
    );
    await expectError(await f.req('/api/v1/jobs?status='), 400, 'invalid_input', /status/);
    await expectError(
      await f.req('/api/v1/events?category=nope'),
      400,
      'invalid_input',
      /seo, ai, sync, export/,
    );
    await expectError(
      await f.req(`/api/v1/jobs/${jobId}/items?status=weird`),
      400,
      'invalid_input',
      /completed|failed/,
    );
    await expectError(
      await f.req(`/api/v1/jobs/${jobId}/logs?level=debug`),
      400,
      'invalid_input',
      /info, warn, error/,
    );
    await expectError(
      await f.req('/api/v1/jobs?stauts=running'),
      400,
      'invalid_input',
      /unknown field\(s\): stauts/,
    );
  });

  it('rejects forged, tampered and foreign-shaped cursors', async () => {
    const forged = [
      'abc',
      Buffer.from('v1.-5').toString('base64url'),
      Buffer.from('v2.10').toString('base64url'),
      Buffer.from('v1.99999999999999999999').toString('base64url'),
      Buffer.from("v1.1' OR 1=1").toString('base64url'),
      '../../etc/passwd',
      'x'.repeat(500),
      '%00',
    ];
    // Well formed but not signed by this store: hand-made (the unsigned format of earlier releases),
    // signed under another database's key, edited, or an item cursor passed to the job list.
    const issued = (await f.longrun.cursors()).encodeJob(5);
    const flip = (s: string, at: number) => s.slice(0, at) + (s[at] === 'A' ? 'B' : 'A') + s.slice(at + 1);
    forged.push(
      Buffer.from('v1.0').toString('base64url'),
      `${Buffer.from('v1.0').toString('base64url')}.${'A'.repeat(16)}`,
      new CursorCodec('another database').encodeJob(5),
      flip(issued, 0),
      flip(issued, issued.length - 1),
      `${issued}A`,
      (await f.longrun.cursors()).encodeItem('s', 'k'),
      issued.replace('.', 'é'),
      `${issued.slice(0, -1)}é`,
    );
    for (const cursor of forged) {
      const res = await f.req(`/api/v1/jobs?cursor=${encodeURIComponent(cursor)}`);
      await expectError(res, 400, 'invalid_input', /cursor/);
    }
    for (const cursor of [Buffer.from('v1.5').toString('base64url'), issued]) {
      const items = await f.req(`/api/v1/jobs/${jobId}/items?cursor=${cursor}`);
      await expectError(items, 400, 'invalid_input', /cursor/);
    }
    const honest = await f.req(`/api/v1/jobs?cursor=${issued}`);
    assert.equal(honest.status, 200, 'the issued cursor itself is taken');
  });

  it('rejects a malformed Last-Event-ID and unknown routes with the envelope', async () => {
    await expectError(
      await f.req(`/api/v1/jobs/${jobId}/events`, { headers: { 'last-event-id': 'abc' } }),
      400,
      'invalid_input',
      /Last-Event-ID/,
    );
    await expectError(
      await f.req('/api/v1/events', { headers: { 'last-event-id': '-1' } }),
      400,
      'invalid_input',
    );
    // Well formed but never sent: both streams would otherwise wait silently for the sequence.
    const future = String((await f.longrun.store.eventSequenceLast()) + 1);
    for (const path of [`/api/v1/jobs/${jobId}/events`, '/api/v1/events']) {
      const res = await f.req(path, { headers: { 'last-event-id': future } });
      if (res.status === 200) await res.body?.cancel(); // a silent stream: fail, do not wait on it
      await expectError(res, 400, 'invalid_input', /was ever sent/);
    }
    await expectError(await f.req('/api/v1/nothing'), 404, 'not_found');
    // A path that exists under other methods: 405 naming them, before any key is looked at.
    for (const [method, path, allow] of [
      ['PUT', '/api/v1/jobs', 'GET, HEAD, POST'],
      ['DELETE', `/api/v1/jobs/${jobId}`, 'GET, HEAD'],
      ['GET', `/api/v1/jobs/${jobId}/cancel`, 'POST'],
      ['PATCH', '/api/v1/keys', 'GET, HEAD, POST'],
      ['OPTIONS', '/healthz', 'GET, HEAD'],
      ['PUT', '/api/v1/%6Aobs', 'GET, HEAD, POST'],
    ] as const) {
      const res = await f.req(path, { method, key: null });
      assert.equal(res.headers.get('allow'), allow, `${method} ${path}`);
      await expectError(res, 405, 'method_not_allowed', /allowed: /);
    }
    assert.equal((await f.req('/healthz', { method: 'HEAD', key: null })).status, 200, 'HEAD is served');
    // Route paths are literal: the dot of openapi.json matches only a dot.
    await expectError(await f.req('/api/v1/openapiXjson', { method: 'PUT' }), 404, 'not_found');
    await expectError(await f.req(`/api/v1/jobs/${'x'.repeat(300)}`), 400, 'invalid_input', /id/);
    await expectError(await f.req('/api/v1/jobs/does-not-exist'), 404, 'not_found');
    await expectError(await f.req('/api/v1/jobs/%E0%A4%A'), 404, 'not_found');
  });
});

describe('server-side failures', () => {
  it('turns a bug into 500 internal with a request id and no detail, and logs it', async () => {
    const f = await apiFixture();
    const logged: string[] = [];
    const logger = pino({ level: 'error' }, { write: (line: string) => logged.push(line) });
    // A store whose list query has a bug; auth and everything else work.
    const broken = new Proxy(f.store, {
      get(target, prop, receiver) {
        if (prop === 'jobListJson')
          return async () => {
            throw new TypeError("Cannot read properties of undefined (reading 'secret_column')");
          };
        return Reflect.get(target, prop, receiver);
      },
    }) as Store;
    const app = createApp({
      longrun: createLongrun({ store: broken, jobs: apiTestJobs }),
      logger,
      rateLimit: false,
    });
    try {
      const res = await app.request('/api/v1/jobs', { headers: { authorization: `Bearer ${f.keys.read}` } });
      const text = await res.text();
      assert.equal(res.status, 500);
      const body = ErrorSchema.parse(JSON.parse(text));
      assert.equal(body.error.code, 'internal');
      assert.doesNotMatch(text, /secret_column|TypeError|\.ts:/);
      const requestId = res.headers.get('x-request-id');
      assert.ok(requestId && text.includes(requestId), 'the body names the request id');
      assert.ok(
        logged.some((l) => l.includes('secret_column') && l.includes(requestId)),
        'the log has the detail',
      );
    } finally {
      await f.close();
    }
  });

  it('reads the cursor key again after a failed read, whatever the failure', async () => {
    const f = await apiFixture();
    const answers: (() => Promise<string | null>)[] = [
      async () => {
        throw new LongrunError('store_unavailable', 'gone for a moment');
      },
      async () => null,
    ];
    const flaky = new Proxy(f.store, {
      get(target, prop, receiver) {
        if (prop === 'settingGet')
          return (p: { name: string }) => answers.shift()?.() ?? target.settingGet(p);
        return Reflect.get(target, prop, receiver);
      },
    }) as Store;
    const app = createApp({ longrun: createLongrun({ store: flaky, jobs: apiTestJobs }), rateLimit: false });
    const list = () => app.request('/api/v1/jobs', { headers: { authorization: `Bearer ${f.keys.read}` } });
    try {
      await expectError(await list(), 503, 'store_unavailable');
      await expectError(await list(), 500, 'internal');
      assert.equal((await list()).status, 200, 'the third read finds the key');
    } finally {
      await f.close();
    }
  });

  it('answers 503 store_unavailable when the store is down, and /readyz says so', async () => {
    const f = await apiFixture();
    assert.equal((await f.req('/readyz', { key: null })).status, 200);
    await f.store.close();
    await expectError(await f.req('/api/v1/jobs'), 503, 'store_unavailable');
    await expectError(await f.req('/readyz', { key: null }), 503, 'store_unavailable');
    assert.equal(
      (await f.req('/healthz', { key: null })).status,
      200,
      'liveness does not depend on the store',
    );
    await f.close().catch(() => {});
  });
});
