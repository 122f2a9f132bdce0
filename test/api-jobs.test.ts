/**
 * The seed's three endpoints and their neighbours over in-process HTTP (`app.request`): the seed's
 * example request and field types, filters, keyset pagination under concurrent inserts, the job
 * detail with logs, items, create with idempotency, and cancel in every state.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { JobSchema } from '../src/api/schemas.ts';
import { type ApiFixture, apiFixture, assertSeedTypes, gate } from './api-helpers.ts';
import { waitFor } from './helpers.ts';

/**
 * Four jobs in a fixture of their own: two `seo` jobs (3 items each) and a quick `ai` job run by a
 * worker that leaves the `export` one pending. `whileRunning` sees the seo jobs running and the
 * quick one completed; afterwards the worker is stopped with three jobs completed and one pending.
 * The gates are named after `tag`, so no other test's permits reach them.
 */
async function seedJobs(w: ApiFixture, tag: string, whileRunning?: () => Promise<void>): Promise<string[]> {
  const ids = await w.longrun.enqueueMany([
    { type: 'test.stepped', input: { gate: `${tag}-a`, items: 3 } },
    { type: 'test.stepped', input: { gate: `${tag}-b`, items: 3 } },
    { type: 'test.quick', input: {} },
    { type: 'test.idle', input: {} },
  ]);
  w.longrun.start({
    concurrency: 4,
    pollIntervalMs: 20,
    flushIntervalMs: 20,
    types: ['test.stepped', 'test.quick'],
  });
  await waitFor('two seo jobs running and the quick one done', async () => {
    const c = await w.longrun.counts();
    const n = (s: string, cat: string) => c.find((r) => r.status === s && r.category === cat)?.count ?? 0;
    return n('running', 'seo') === 2 && n('completed', 'ai') === 1;
  });
  await whileRunning?.();
  gate(`${tag}-a`).allow(3);
  gate(`${tag}-b`).allow(3);
  await waitFor('seo jobs done', async () => (await w.longrun.counts()).every((r) => r.status !== 'running'));
  await w.longrun.stop();
  return ids;
}

describe('jobs API', () => {
  const json = async (res: Response) => (await res.json()) as Record<string, unknown> & unknown[];

  it("answers the seed's example request with a JSON array of seed-shaped jobs", async () => {
    const w = await apiFixture();
    try {
      // Jobs in several states and categories, driven by a worker that runs only what we let it.
      await seedJobs(w, 'seed', async () => {
        const res = await w.req('/api/v1/jobs?status=running&category=seo&limit=20', { key: w.keys.read });
        assert.equal(res.status, 200);
        assert.match(res.headers.get('content-type') ?? '', /application\/json/);
        const body = await json(res);
        assert.ok(Array.isArray(body));
        assert.equal(body.length, 2);
        for (const job of body as Record<string, unknown>[]) {
          assertSeedTypes(job);
          JobSchema.strict().parse(job);
          assert.equal(job.status, 'running');
          assert.equal(job.category, 'seo');
          assert.equal(job.completedAt, null);
        }
      });
      const done = await json(await w.req('/api/v1/jobs?status=completed&limit=20', { key: w.keys.read }));
      assert.equal(done.length, 3);
      for (const job of done as Record<string, unknown>[]) {
        assertSeedTypes(job);
        assert.ok(Number.isInteger(job.completedAt));
      }
    } finally {
      await w.close();
    }
  });

  it('filters by comma lists of status and category, and by type; newest first', async () => {
    const w = await apiFixture();
    try {
      // Three completed (two seo, one ai) and one pending (export).
      const ids = await seedJobs(w, 'filters');
      const all = (await json(await w.req('/api/v1/jobs?limit=100'))) as {
        id: string;
        status: string;
        createdAt: number;
      }[];
      // Newest first: the reverse of insertion order.
      assert.deepEqual(
        all.map((j) => j.id),
        [...ids].reverse(),
      );
      const two = await json(await w.req('/api/v1/jobs?status=completed,pending'));
      assert.deepEqual((two as { status: string }[]).map((j) => j.status).sort(), [
        'completed',
        'completed',
        'completed',
        'pending',
      ]);
      const cats = await json(await w.req('/api/v1/jobs?category=ai,export'));
      assert.deepEqual((cats as { category: string }[]).map((j) => j.category).sort(), ['ai', 'export']);
      const typed = await json(await w.req('/api/v1/jobs?type=test.idle'));
      assert.deepEqual(
        (typed as { type: string }[]).map((j) => j.type),
        ['test.idle'],
      );
      const none = await w.req('/api/v1/jobs?status=failed');
      assert.deepEqual(await none.json(), []);
      assert.equal(none.headers.get('link'), null);
      assert.equal(none.headers.get('x-next-cursor'), null);
    } finally {
      await w.close();
    }
  });

  it('walks 5,000+ jobs by cursor while others are inserted: no duplicates, no gaps', async () => {
    const w = await apiFixture();
    try {
      const batch = (n: number, tag: string) =>
        Array.from({ length: n }, (_, i) => ({
          type: i % 2 ? 'test.idle' : 'test.quick',
          input: { n: i },
          opts: { name: `${tag}-${i}` },
        }));
      // Every id in insertion order; a walk must return exactly those that existed when it began.
      const inserted: string[] = [];
      for (let i = 0; i < 5; i++)
        inserted.push(...(await w.longrun.enqueueMany(batch(1_000, `initial${i}`))));

      // Both categories/types cover every job, so each walk expects all of them; the filters
      // exercise the store's merged multi-range reads.
      for (const filter of ['', '&category=ai,export', '&type=test.quick,test.idle']) {
        const expected = [...inserted].reverse();
        const seen: string[] = [];
        let url: string | null = `/api/v1/jobs?limit=100${filter}`;
        let pages = 0;
        while (url) {
          const res: Response = await w.req(url, { key: w.keys.read });
          assert.equal(res.status, 200);
          seen.push(...((await res.json()) as { id: string }[]).map((j) => j.id));
          // Concurrent writers: every page is followed by new jobs, which are newer than the walk.
          inserted.push(...(await w.longrun.enqueueMany(batch(37, `during${pages}`))));
          const link = res.headers.get('link');
          const next = res.headers.get('x-next-cursor');
          if (link) {
            const m = /^<([^>]+)>; rel="next"$/.exec(link);
            assert.ok(m, `Link header shape: ${link}`);
            assert.ok(m[1]!.includes(`cursor=${next}`));
            url = m[1]!;
          } else {
            assert.equal(next, null);
            url = null;
          }
          pages++;
        }
        assert.equal(new Set(seen).size, seen.length, `no duplicates (${filter || 'no filter'})`);
        assert.deepEqual(
          seen,
          expected,
          `exactly the jobs that existed at the start, in order (${filter || 'no filter'})`,
        );
        assert.ok(expected.length >= 5_000);
      }
    } finally {
      await w.close();
    }
  });

  it('creates jobs: 201 with Location, input validated with field paths, idempotency', async () => {
    const w = await apiFixture();
    try {
      const res = await w.req('/api/v1/jobs', {
        method: 'POST',
        key: w.keys.write,
        body: {
          type: 'test.stepped',
          input: { gate: 'create', items: 2 },
          name: 'My job',
          priority: 5,
          maxAttempts: 2,
        },
      });
      assert.equal(res.status, 201);
      const job = await json(res);
      JobSchema.strict().parse(job);
      assert.equal(res.headers.get('location'), `/api/v1/jobs/${job.id}`);
      assert.equal(job.name, 'My job');
      assert.equal(job.maxAttempts, 2);
      assert.equal(job.status, 'pending');

      const bad = await w.req('/api/v1/jobs', {
        method: 'POST',
        body: { type: 'test.stepped', input: { gate: 1, items: -1 } },
      });
      assert.equal(bad.status, 400);
      const err = (await bad.json()) as { error: { code: string; details: { path: string }[] } };
      assert.equal(err.error.code, 'invalid_input');
      assert.deepEqual(err.error.details.map((d) => d.path).sort(), ['input.gate', 'input.items']);

      const unknown = await w.req('/api/v1/jobs', { method: 'POST', body: { type: 'nope', input: {} } });
      assert.equal(unknown.status, 400);
      assert.equal(((await unknown.json()) as { error: { code: string } }).error.code, 'unknown_job_type');

      const body = { type: 'test.quick', input: { n: 1 } };
      const headers = { 'idempotency-key': 'order-42' };
      const first = await w.req('/api/v1/jobs', { method: 'POST', body, headers });
      const again = await w.req('/api/v1/jobs', { method: 'POST', body, headers });
      assert.equal(first.status, 201);
      assert.equal(again.status, 200);
      assert.equal((await json(again)).id, (await json(first)).id);
      const other = await w.req('/api/v1/jobs', {
        method: 'POST',
        body: { type: 'test.quick', input: { n: 2 } },
        headers,
      });
      assert.equal(other.status, 409);
      assert.equal(((await other.json()) as { error: { code: string } }).error.code, 'idempotency_conflict');
      const badKey = await w.req('/api/v1/jobs', {
        method: 'POST',
        body,
        headers: { 'idempotency-key': 'x'.repeat(201) },
      });
      assert.equal(badKey.status, 400);
    } finally {
      await w.close();
    }
  });

  it('cancels pending, running and cancelled jobs; 409 for completed and failed; 404 for unknown and other workspaces', async () => {
    const w = await apiFixture();
    try {
      const cancel = (id: string, key = w.keys.write) =>
        w.req(`/api/v1/jobs/${id}/cancel`, { method: 'POST', key });
      const body = z.strictObject({ id: z.string(), status: z.literal('cancelled') });

      const pending = (await w.longrun.enqueue('test.idle', {})).job;
      const r1 = await cancel(pending.id);
      assert.equal(r1.status, 200);
      assert.deepEqual(body.parse(await r1.json()), { id: pending.id, status: 'cancelled' });
      const afterPending = await w.longrun.getJob(pending.id);
      assert.equal(afterPending.status, 'cancelled');
      assert.ok(afterPending.completedAt !== null, 'a pending job never runs: it is over at once');

      const again = await cancel(pending.id);
      assert.equal(again.status, 200, 'cancelling a cancelled job is idempotent');
      assert.deepEqual(await again.json(), { id: pending.id, status: 'cancelled' });

      const running = (await w.longrun.enqueue('test.stepped', { gate: 'cancel-run', items: 5 })).job;
      const done = (await w.longrun.enqueue('test.quick', {})).job;
      const failed = (await w.longrun.enqueue('test.failing', {})).job;
      w.longrun.start({ concurrency: 4, pollIntervalMs: 20, flushIntervalMs: 20 });
      gate('cancel-run').allow(2);
      await waitFor('two items done, quick completed, failing failed', async () => {
        const [a, b, c] = await Promise.all(
          [running, done, failed].map((j) => w.longrun.getJob(j.id, { logLimit: 0 })),
        );
        return a!.progress.completed === 2 && b!.status === 'completed' && c!.status === 'failed';
      });
      const r2 = await cancel(running.id);
      assert.equal(r2.status, 200);
      assert.deepEqual(await r2.json(), { id: running.id, status: 'cancelled' });
      const mid = await w.longrun.getJob(running.id);
      assert.equal(mid.status, 'cancelled');
      assert.ok(mid.cancelRequestedAt !== null);
      gate('cancel-run').allow(5);
      const stopped = await waitFor('the worker to stop the cancelled job', async () => {
        const j = await w.longrun.getJob(running.id);
        return j.completedAt !== null ? j : null;
      });
      assert.ok(stopped.progress.completed < 5, 'nothing started after the cancel was observed');
      assert.equal(stopped.status, 'cancelled');

      for (const [job, status] of [
        [done, 'completed'],
        [failed, 'failed'],
      ] as const) {
        const r = await cancel(job.id);
        assert.equal(r.status, 409);
        const e = (await r.json()) as { error: { code: string; details: { status: string }[] } };
        assert.equal(e.error.code, 'job_not_cancellable');
        assert.equal(e.error.details[0]!.status, status);
      }

      const unknown = await cancel('01a00000-0000-7000-8000-000000000000');
      const foreign = await cancel(done.id, w.keys.other);
      assert.equal(unknown.status, 404);
      assert.equal(foreign.status, 404);
      const [ub, fb] = [
        (await unknown.json()) as { error: { code: string; message: string } },
        (await foreign.json()) as { error: { code: string; message: string } },
      ];
      assert.equal(ub.error.code, 'not_found');
      assert.equal(fb.error.code, 'not_found');
      // Identical apart from the id the caller sent: nothing reveals that the job exists elsewhere.
      assert.equal(
        fb.error.message.replace(done.id, 'ID'),
        ub.error.message.replace('01a00000-0000-7000-8000-000000000000', 'ID'),
      );
      const getForeign = await w.req(`/api/v1/jobs/${done.id}`, { key: w.keys.other });
      assert.equal(getForeign.status, 404);
      assert.equal(
        (await w.longrun.getJob(done.id)).status,
        'completed',
        'the other workspace changed nothing',
      );
    } finally {
      await w.close();
    }
  });
});
