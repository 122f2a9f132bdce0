/**
 * Retry, bulk cancel, and priority/runAt on create, through the HTTP API (on PostgreSQL too:
 * LONGRUN_API_STORE=postgres, api-on-postgres.test.ts). The partial retry is checked against the
 * handler's own record of the keys it ran.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { z } from 'zod';
import { CancelManyResultSchema } from '../src/api/jobs-ops.ts';
import { JobDetailSchema, JobSchema } from '../src/api/schemas.ts';
import { defineJob } from '../src/engine/define.ts';
import { type ApiFixture, apiFixture, gate } from './api-helpers.ts';

/** Keys each job's handler ran, by job id, in the order it ran them. */
const ran = new Map<string, string[]>();
/** Keys that throw while they are in here. */
const failing = new Set<string>();

const syncJob = defineJob({
  type: 'test.partial',
  category: 'sync',
  partialRetry: true,
  input: z.object({ n: z.number().int() }),
  async run(ctx, input) {
    const keys = await ctx.step('plan', () => Array.from({ length: input.n }, (_, i) => `e${i}`));
    const record = (key: string) => {
      const list = ran.get(ctx.jobId) ?? [];
      list.push(key);
      ran.set(ctx.jobId, list);
    };
    await ctx.each('sync', keys, { key: (k) => k }, async (k) => {
      record(`sync:${k}`);
      if (failing.has(k)) throw new Error(`${k} is down`);
    });
    await ctx.each('notify', keys, { key: (k) => k }, async (k) => {
      record(`notify:${k}`);
    });
    return { n: keys.length };
  },
});

type Job = z.infer<typeof JobSchema>;
type ErrorBody = { error: { code: string; message: string; details?: { status?: string }[] } };

async function until(f: ApiFixture, id: string, done: (j: Job) => boolean): Promise<Job> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const j = JobDetailSchema.parse(await (await f.req(`/api/v1/jobs/${id}`)).json());
    if (done(j)) return j;
    if (Date.now() > deadline) assert.fail(`job ${id} did not get there: ${JSON.stringify(j)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const ended = (j: Job) => j.completedAt !== null;

describe('POST /api/v1/jobs/:id/retry', () => {
  let f: ApiFixture;
  before(async () => {
    f = await apiFixture({ workers: true, jobs: [syncJob] });
  });
  after(() => f.close());

  it('with only: failed-items runs exactly the keys that failed, in a new job linked by retryOf', async () => {
    failing.clear();
    for (const k of ['e2', 'e5', 'e7']) failing.add(k);
    const created = await f.req('/api/v1/jobs', {
      method: 'POST',
      body: { type: 'test.partial', input: { n: 10 } },
    });
    const old = JobSchema.parse(await created.json());
    const first = await until(f, old.id, ended);
    assert.equal(first.status, 'completed');
    assert.deepEqual(first.progress, { total: 20, completed: 17, failed: 3 });
    failing.clear();

    const res = await f.req(`/api/v1/jobs/${old.id}/retry`, {
      method: 'POST',
      body: { only: 'failed-items' },
    });
    assert.equal(res.status, 201);
    const retry = JobSchema.parse(await res.json());
    assert.notEqual(retry.id, old.id);
    assert.equal(res.headers.get('location'), `/api/v1/jobs/${retry.id}`);
    assert.equal(retry.retryOf, old.id);
    assert.equal(retry.retryOnly, 'failed-items');
    assert.equal(retry.type, 'test.partial');
    const done = await until(f, retry.id, ended);
    assert.equal(done.status, 'completed');
    assert.deepEqual(
      ran.get(retry.id),
      ['sync:e2', 'sync:e5', 'sync:e7'],
      'the handler ran only the failed keys',
    );
    assert.deepEqual(
      done.progress,
      { total: 3, completed: 3, failed: 0 },
      'the total counts the keys re-run',
    );
    const items = (await (await f.req(`/api/v1/jobs/${retry.id}/items`)).json()) as { key: string }[];
    assert.deepEqual(
      items.map((i) => i.key),
      ['e2', 'e5', 'e7'],
      'skipped items are not recorded',
    );
    const detail = JobDetailSchema.parse(await (await f.req(`/api/v1/jobs/${retry.id}`)).json());
    assert.equal(detail.retryOf, old.id);
    const list = z.array(JobSchema).parse(await (await f.req('/api/v1/jobs?type=test.partial')).json());
    assert.equal(list.find((j) => j.id === retry.id)?.retryOf, old.id);
    assert.equal(list.find((j) => j.id === old.id)?.retryOf, null);

    // The partial retry completed without failures: nothing left to retry.
    const again = await f.req(`/api/v1/jobs/${retry.id}/retry`, { method: 'POST' });
    assert.equal(again.status, 409);
    const body = (await again.json()) as ErrorBody;
    assert.equal(body.error.code, 'job_not_retryable');
    assert.match(body.error.message, /without failed items/);

    // A full retry of the old job runs everything again.
    const full = JobSchema.parse(
      await (await f.req(`/api/v1/jobs/${old.id}/retry`, { method: 'POST' })).json(),
    );
    assert.equal(full.retryOf, old.id);
    assert.equal(full.retryOnly, null);
    await until(f, full.id, ended);
    assert.equal(ran.get(full.id)?.length, 20);
  });

  it('runs the items a cancelled job never reached, not the ones it completed', async () => {
    failing.clear();
    const g = gate('partial-cancel');
    const steppedId = JobSchema.parse(
      await (
        await f.req('/api/v1/jobs', {
          method: 'POST',
          body: { type: 'test.stepped', input: { gate: 'partial-cancel', items: 5 } },
        })
      ).json(),
    ).id;
    g.allow(2);
    await until(f, steppedId, (j) => j.progress.completed === 2);
    await f.req(`/api/v1/jobs/${steppedId}/cancel`, { method: 'POST' });
    g.allow(1);
    const stopped = await until(f, steppedId, ended);
    assert.equal(stopped.status, 'cancelled');
    // test.stepped has not opted in to partial retry.
    const refused = await f.req(`/api/v1/jobs/${steppedId}/retry`, {
      method: 'POST',
      body: { only: 'failed-items' },
    });
    assert.equal(refused.status, 409);
    const body = (await refused.json()) as ErrorBody;
    assert.equal(body.error.code, 'job_not_retryable');
    assert.equal(
      body.error.message.includes('partial retry is not supported by job type test.stepped'),
      true,
    );
    assert.equal(body.error.details?.[0]?.status, 'cancelled');
    // A full retry is allowed for a cancelled job.
    const full = await f.req(`/api/v1/jobs/${steppedId}/retry`, { method: 'POST' });
    assert.equal(full.status, 201);
    const retry = JobSchema.parse(await full.json());
    g.allow(5);
    assert.equal((await until(f, retry.id, ended)).status, 'completed');
  });

  it('GET /api/v1/job-types says which types take a partial retry', async () => {
    const types = (await (await f.req('/api/v1/job-types')).json()) as {
      type: string;
      partialRetry: boolean;
    }[];
    assert.equal(types.find((t) => t.type === 'test.partial')?.partialRetry, true);
    assert.equal(types.find((t) => t.type === 'test.stepped')?.partialRetry, false);
  });

  it('answers 409 for pending jobs, 404 for unknown ids and other workspaces, 400 for a bad body', async () => {
    const pending = JobSchema.parse(
      await (
        await f.req('/api/v1/jobs', {
          method: 'POST',
          body: { type: 'test.idle', input: {}, runAt: Date.now() + 3_600_000 },
        })
      ).json(),
    );
    const r1 = await f.req(`/api/v1/jobs/${pending.id}/retry`, { method: 'POST' });
    assert.equal(r1.status, 409);
    const b1 = (await r1.json()) as ErrorBody;
    assert.equal(b1.error.code, 'job_not_retryable');
    assert.match(b1.error.message, /is pending/);
    const unknown = await f.req('/api/v1/jobs/01a00000-0000-7000-8000-000000000000/retry', {
      method: 'POST',
    });
    assert.equal(unknown.status, 404);
    assert.equal(((await unknown.json()) as ErrorBody).error.code, 'not_found');
    const foreign = await f.req(`/api/v1/jobs/${pending.id}/retry`, { method: 'POST', key: f.keys.other });
    assert.equal(foreign.status, 404);
    const bad = await f.req(`/api/v1/jobs/${pending.id}/retry`, {
      method: 'POST',
      body: { only: 'everything' },
    });
    assert.equal(bad.status, 400);
    const readOnly = await f.req(`/api/v1/jobs/${pending.id}/retry`, { method: 'POST', key: f.keys.read });
    assert.equal(readOnly.status, 403);
    // A failed job may be retried in full, not partially when its type has not opted in.
    const failed = JobSchema.parse(
      await (
        await f.req('/api/v1/jobs', { method: 'POST', body: { type: 'test.failing', input: {} } })
      ).json(),
    );
    await until(f, failed.id, ended);
    const partial = await f.req(`/api/v1/jobs/${failed.id}/retry`, {
      method: 'POST',
      body: { only: 'failed-items' },
    });
    assert.equal(partial.status, 409);
    const whole = await f.req(`/api/v1/jobs/${failed.id}/retry`, {
      method: 'POST',
      headers: { 'idempotency-key': 'retry-once' },
    });
    assert.equal(whole.status, 201);
    const same = await f.req(`/api/v1/jobs/${failed.id}/retry`, {
      method: 'POST',
      headers: { 'idempotency-key': 'retry-once' },
    });
    assert.equal(same.status, 200, 'the same Idempotency-Key returns the first retry');
    assert.equal(JobSchema.parse(await same.json()).id, JobSchema.parse(await whole.json()).id);
  });

  it('bulk cancel stops running jobs as a single cancel does', async () => {
    const g = gate('bulk-running');
    const id = JobSchema.parse(
      await (
        await f.req('/api/v1/jobs', {
          method: 'POST',
          body: { type: 'test.stepped', input: { gate: 'bulk-running', items: 50 } },
        })
      ).json(),
    ).id;
    g.allow(1);
    await until(f, id, (j) => j.progress.completed === 1);
    const res = await f.req('/api/v1/jobs/cancel', {
      method: 'POST',
      body: { status: 'running', type: 'test.stepped' },
    });
    assert.equal(res.status, 200);
    assert.deepEqual(CancelManyResultSchema.parse(await res.json()), { cancelled: 1, more: false });
    g.allow(100);
    const stopped = await until(f, id, ended);
    assert.equal(stopped.status, 'cancelled');
    assert.ok(
      stopped.progress.completed <= 2,
      `at most the item in flight finished: ${stopped.progress.completed}`,
    );
  });
});

describe('POST /api/v1/jobs/cancel', () => {
  let f: ApiFixture;
  before(async () => {
    f = await apiFixture();
  });
  after(() => f.close());

  const cancel = (body: unknown, key?: string) => f.req('/api/v1/jobs/cancel', { method: 'POST', body, key });

  it('cancels what matches, answers the count, and 0 when called again', async () => {
    await f.longrun.enqueueMany(Array.from({ length: 1_500 }, () => ({ type: 'test.idle', input: {} })));
    await f.longrun.enqueue('test.quick', {});
    const first = await cancel({ type: 'test.idle', status: ['pending'], limit: 1_000 });
    assert.equal(first.status, 200);
    assert.deepEqual(await first.json(), { cancelled: 1_000, more: true });
    assert.deepEqual(await (await cancel({ type: ['test.idle'] })).json(), { cancelled: 500, more: false });
    assert.deepEqual(await (await cancel({ type: 'test.idle' })).json(), { cancelled: 0, more: false });
    const quick = z.array(JobSchema).parse(await (await f.req('/api/v1/jobs?type=test.quick')).json());
    assert.equal(quick[0]?.status, 'pending');
    const other = await cancel({ all: true }, f.keys.other);
    assert.deepEqual(
      await other.json(),
      { cancelled: 0, more: false },
      "another workspace's jobs are out of reach",
    );
    const stats = (await (await f.req('/api/v1/stats')).json()) as { byStatus: Record<string, number> };
    assert.equal(stats.byStatus.cancelled, 1_500);
  });

  it('refuses an empty filter, uncancellable statuses and bad fields with 400; read keys with 403', async () => {
    for (const body of [
      {},
      undefined,
      { status: 'completed' },
      { status: [] },
      { category: 'nope' },
      { ids: [] },
      { all: false },
      { createdBefore: 'yesterday' },
      { limit: 10_001 },
      { type: 'x', extra: 1 },
    ]) {
      const res = await cancel(body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(((await res.json()) as ErrorBody).error.code, 'invalid_input', JSON.stringify(body));
    }
    assert.equal((await cancel({ all: true }, f.keys.read)).status, 403);
  });
});

describe('POST /api/v1/jobs with priority and runAt', () => {
  let f: ApiFixture;
  before(async () => {
    f = await apiFixture();
  });
  after(() => f.close());

  it('returns both, claims higher priorities first, and does not claim a job before its runAt', async () => {
    const make = async (body: Record<string, unknown>) =>
      JobSchema.parse(
        await (
          await f.req('/api/v1/jobs', { method: 'POST', body: { type: 'test.quick', input: {}, ...body } })
        ).json(),
      );
    const low = await make({ priority: -5 });
    const mid = await make({});
    const high = await make({ priority: 7 });
    const later = await make({ priority: 100, runAt: Date.now() + 3_600_000 });
    assert.equal(low.priority, -5);
    assert.equal(mid.priority, 0);
    assert.equal(later.runAt > Date.now() + 3_000_000, true);
    const detail = JobDetailSchema.parse(await (await f.req(`/api/v1/jobs/${later.id}`)).json());
    assert.equal(detail.priority, 100);
    assert.equal(detail.runAt, later.runAt);
    const order: string[] = [];
    for (let i = 0; i < 4; i++) {
      const [c] = await f.store.jobClaim({ workerId: 'w', limit: 1, types: ['test.quick'], leaseMs: 30_000 });
      if (c) order.push(c.job.id);
    }
    assert.deepEqual(order, [high.id, mid.id, low.id], 'by priority; the delayed job is not due');
  });

  it('refuses priorities and runAt values out of range or of the wrong type', async () => {
    for (const extra of [
      { priority: 1_000_001 },
      { priority: 1.5 },
      { priority: '5' },
      { runAt: '2026-12-04T06:00:00Z' },
      { runAt: -1 },
    ]) {
      const res = await f.req('/api/v1/jobs', {
        method: 'POST',
        body: { type: 'test.quick', input: {}, ...extra },
      });
      assert.equal(res.status, 400, JSON.stringify(extra));
      assert.equal(((await res.json()) as ErrorBody).error.code, 'invalid_input');
    }
  });
});
