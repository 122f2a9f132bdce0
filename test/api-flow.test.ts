/**
 * Pausing and resuming a job type over HTTP: scopes, idempotence, the state in `GET
 * /api/v1/job-types`, unknown types, and pending jobs held while workers run (a job of the same type
 * in another workspace runs meanwhile), then run after the resume. Runs on PostgreSQL too
 * (api-on-postgres.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LongrunApiError, LongrunClient } from '../src/client/index.ts';
import { type ApiFixture, apiFixture, expectError, listen } from './api-helpers.ts';
import { waitFor } from './helpers.ts';

interface JobTypeBody {
  type: string;
  paused: boolean;
  pausedAt: number | null;
  pausedBy: string | null;
  concurrency: { limit: number; perKey: boolean } | null;
}

describe('job types: pause and resume', () => {
  let f: ApiFixture;
  before(async () => {
    f = await apiFixture({ workers: true });
  });
  after(() => f.close());

  const types = async (key?: string) =>
    (await (await f.req('/api/v1/job-types', key ? { key } : {})).json()) as JobTypeBody[];
  const status = async (id: string, key?: string) =>
    ((await (await f.req(`/api/v1/jobs/${id}`, key ? { key } : {})).json()) as { status: string }).status;
  const create = async (key?: string) => {
    const res = await f.req('/api/v1/jobs', {
      method: 'POST',
      body: { type: 'test.quick', input: {} },
      ...(key ? { key } : {}),
    });
    assert.equal(res.status, 201);
    return ((await res.json()) as { id: string }).id;
  };

  it('lists every type as not paused, with its concurrency limit', async () => {
    const quick = (await types(f.keys.read)).find((t) => t.type === 'test.quick');
    assert.deepEqual(
      { paused: quick?.paused, pausedAt: quick?.pausedAt, pausedBy: quick?.pausedBy, c: quick?.concurrency },
      { paused: false, pausedAt: null, pausedBy: null, c: null },
    );
  });

  it('needs a write key; an unknown or malformed type is refused with the error envelope', async () => {
    await expectError(
      await f.req('/api/v1/job-types/test.quick/pause', { method: 'POST', key: f.keys.read }),
      403,
      'forbidden',
    );
    await expectError(await f.req('/api/v1/job-types/no.such/pause', { method: 'POST' }), 404, 'not_found');
    await expectError(await f.req('/api/v1/job-types/no.such/resume', { method: 'POST' }), 404, 'not_found');
    await expectError(
      await f.req(`/api/v1/job-types/${'x'.repeat(101)}/pause`, { method: 'POST' }),
      400,
      'invalid_input',
    );
    await expectError(
      await f.req('/api/v1/job-types/test.quick/pause', { method: 'POST', body: { extra: 1 } }),
      400,
      'invalid_input',
    );
    await expectError(await f.req('/api/v1/job-types/test.quick/pause'), 405, 'method_not_allowed');
  });

  it('holds pending jobs while paused (workers run other work) and runs them once resumed', async () => {
    const res = await f.req('/api/v1/job-types/test.quick/pause', { method: 'POST', key: f.keys.write });
    assert.equal(res.status, 200);
    const paused = (await res.json()) as JobTypeBody;
    assert.equal(paused.paused, true);
    assert.equal(typeof paused.pausedAt, 'number');
    const again = (await (
      await f.req('/api/v1/job-types/test.quick/pause', { method: 'POST' })
    ).json()) as JobTypeBody;
    assert.deepEqual(again, paused, 'pausing again keeps the first pause');
    assert.deepEqual(
      (await types()).find((t) => t.type === 'test.quick'),
      paused,
      'GET /api/v1/job-types shows the pause',
    );
    assert.equal((await types(f.keys.other)).find((t) => t.type === 'test.quick')?.paused, false);

    const held = [await create(), await create(), await create()];
    // The same type in another workspace is not paused: it runs, so the workers are claiming.
    const elsewhere = await create(f.keys.other);
    await waitFor(
      'the other workspace job completed',
      async () => (await status(elsewhere, f.keys.other)) === 'completed',
    );
    const idle = await f.req('/api/v1/jobs', { method: 'POST', body: { type: 'test.idle', input: {} } });
    const idleId = ((await idle.json()) as { id: string }).id;
    await waitFor('an unpaused type completed', async () => (await status(idleId)) === 'completed');
    for (const id of held) assert.equal(await status(id), 'pending', 'a paused type stays pending');

    const resumed = await f.req('/api/v1/job-types/test.quick/resume', { method: 'POST', key: f.keys.write });
    assert.equal(resumed.status, 200);
    assert.deepEqual(
      { ...((await resumed.json()) as JobTypeBody) },
      { ...paused, paused: false, pausedAt: null, pausedBy: null },
    );
    await waitFor('the held jobs completed', async () => {
      for (const id of held) if ((await status(id)) !== 'completed') return false;
      return true;
    });
    const twice = await f.req('/api/v1/job-types/test.quick/resume', { method: 'POST' });
    assert.equal(twice.status, 200, 'resuming a type that runs is idempotent');
    assert.equal(((await twice.json()) as JobTypeBody).paused, false);
  });

  it('the client pauses, lists and resumes; an unknown type is a LongrunApiError', async () => {
    const server = await listen(f.app);
    try {
      const client = new LongrunClient({ url: server.url, key: f.keys.write });
      const paused = await client.pauseJobType('test.idle');
      assert.equal(paused.paused, true);
      assert.equal((await client.jobTypes()).find((t) => t.type === 'test.idle')?.paused, true);
      assert.equal((await client.resumeJobType('test.idle')).paused, false);
      await assert.rejects(
        client.pauseJobType('no.such'),
        (e) => e instanceof LongrunApiError && e.status === 404 && e.code === 'not_found',
      );
    } finally {
      await server.close();
    }
  });
});
