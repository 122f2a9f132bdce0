/**
 * Contract points the endpoint tests leave implicit: the default page size, a foreign job looking
 * exactly like a missing one on every job route, idempotency covering every field of a create, job
 * type descriptions, the stream defaults, and `Last-Event-ID` on the workspace stream.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_SSE_OPTIONS } from '../src/api/sse.ts';
import { type ApiFixture, apiFixture, sseReader } from './api-helpers.ts';

type ErrorBody = { error: { code: string; message: string; details?: unknown } };

describe('API contract', () => {
  let f: ApiFixture;
  before(async () => {
    f = await apiFixture();
  });
  after(() => f.close());

  it('pages 20 jobs by default, with a next cursor when there are more', async () => {
    await f.longrun.enqueueMany(Array.from({ length: 25 }, () => ({ type: 'test.idle', input: {} })));
    const first = await f.req('/api/v1/jobs');
    assert.equal(((await first.json()) as unknown[]).length, 20);
    const cursor = first.headers.get('x-next-cursor');
    assert.ok(cursor);
    const rest = (await (await f.req(`/api/v1/jobs?cursor=${cursor}`)).json()) as unknown[];
    assert.ok(rest.length >= 5);
  });

  it('answers a job of another workspace exactly like a missing id, on every job route', async () => {
    const mine = (await f.longrun.enqueue('test.idle', {})).job.id;
    const missing = '01a00000-0000-7000-8000-000000000000';
    const routes: [string, string][] = [
      ['GET', ''],
      ['GET', '/logs'],
      ['GET', '/items'],
      ['GET', '/events'],
      ['POST', '/cancel'],
      ['POST', '/retry'],
    ];
    for (const [method, suffix] of routes) {
      const foreign = await f.req(`/api/v1/jobs/${mine}${suffix}`, { method, key: f.keys.other });
      const unknown = await f.req(`/api/v1/jobs/${missing}${suffix}`, { method, key: f.keys.other });
      assert.equal(foreign.status, 404, `${method} ${suffix}`);
      assert.equal(unknown.status, 404, `${method} ${suffix}`);
      const [fb, ub] = [(await foreign.json()) as ErrorBody, (await unknown.json()) as ErrorBody];
      assert.deepEqual(
        JSON.parse(JSON.stringify(fb).replaceAll(mine, 'ID')),
        JSON.parse(JSON.stringify(ub).replaceAll(missing, 'ID')),
        `${method} ${suffix}: nothing tells the two apart`,
      );
    }
    assert.equal((await f.longrun.getJob(mine)).status, 'pending', 'the other workspace changed nothing');
  });

  it('treats every field of a create as part of the idempotent request', async () => {
    const base = { type: 'test.idle', input: {}, name: 'Nightly export', priority: 1, maxAttempts: 2 };
    const headers = { 'idempotency-key': 'every-field' };
    const post = (body: object) => f.req('/api/v1/jobs', { method: 'POST', body, headers });
    const first = await post(base);
    assert.equal(first.status, 201);
    const id = ((await first.json()) as { id: string }).id;
    const same = await post({ ...base });
    assert.equal(same.status, 200);
    assert.equal(((await same.json()) as { id: string }).id, id);
    for (const change of [
      { name: 'Other' },
      { priority: 2 },
      { maxAttempts: 3 },
      { runAt: Date.now() + 60_000 },
    ]) {
      const res = await post({ ...base, ...change });
      assert.equal(res.status, 409, JSON.stringify(change));
      assert.equal(((await res.json()) as ErrorBody).error.code, 'idempotency_conflict');
    }
  });

  it("keeps the contract's stream defaults: a heartbeat every 15 s, progress at most ~10 times a second", () => {
    // The mechanisms are tested with short intervals in api-sse.test.ts; these are the numbers served.
    assert.equal(DEFAULT_SSE_OPTIONS.heartbeatMs, 15_000);
    assert.equal(DEFAULT_SSE_OPTIONS.progressIntervalMs, 100);
  });

  it('describes each job type', async () => {
    const types = (await (await f.req('/api/v1/job-types')).json()) as {
      type: string;
      description: string;
    }[];
    const stepped = types.find((t) => t.type === 'test.stepped');
    assert.equal(stepped?.description, 'test job steered by the test');
  });

  it('resumes the workspace stream with Last-Event-ID: every event once, in order', {
    timeout: 30_000,
  }, async () => {
    const act = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const { job } = await f.longrun.enqueue('test.idle', {}, { name: `resume ${i}` });
        await f.longrun.cancel(job.id);
      }
    };
    const take = async (sse: ReturnType<typeof sseReader>, n: number) => {
      const got: number[] = [];
      while (got.length < n) got.push((await sse.next())!.id!);
      return got;
    };
    const first = sseReader(await f.req('/api/v1/events'));
    await act(2);
    const before = await take(first, 3);
    await first.cancel();
    await act(3);
    const last = before[before.length - 1]!;
    const resumed = sseReader(await f.req('/api/v1/events', { headers: { 'last-event-id': String(last) } }));
    // Everything since the first event, read from the start, is the reference.
    const reference = sseReader(
      await f.req('/api/v1/events', { headers: { 'last-event-id': String(before[0]! - 1) } }),
    );
    const all = await take(reference, 10);
    await reference.cancel();
    const after = await take(resumed, all.filter((id) => id > last).length);
    await resumed.cancel();
    assert.deepEqual([...before, ...after], all);
    assert.ok(
      all.every((id, i) => i === 0 || id > all[i - 1]!),
      'ids increase',
    );
  });
});
