/**
 * `GET /api/v1/jobs/:id` in full: chronological logs (the newest 1,000) with `logsTotal`, the rest
 * through `/logs` paging, steps, attempts, input, result; and `/items` with failures and cursors.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JobDetailSchema } from '../src/api/schemas.ts';
import { apiFixture, assertSeedTypes, gate } from './api-helpers.ts';
import { waitFor } from './helpers.ts';

describe('job detail, logs and items', () => {
  it('returns a job with chronological logs (newest 1,000), logsTotal, steps, attempts, input, result', async () => {
    const w = await apiFixture({ workers: true });
    try {
      const { job } = await w.longrun.enqueue('test.stepped', { gate: 'logs', items: 1_005, fail: [3] });
      gate('logs').allow(1_005);
      await waitFor(
        'the job to finish',
        async () => (await w.longrun.getJob(job.id, { logLimit: 0 })).completedAt !== null,
        30_000,
      );
      const res = await w.req(`/api/v1/jobs/${job.id}`, { key: w.keys.read });
      assert.equal(res.status, 200);
      const d = JobDetailSchema.strict().parse(await res.json());
      assertSeedTypes(d as unknown as Record<string, unknown>);
      assert.equal(d.status, 'completed');
      assert.deepEqual(d.progress, { total: 1_005, completed: 1_004, failed: 1 });
      assert.deepEqual(d.input, { gate: 'logs', items: 1_005, fail: [3] });
      assert.deepEqual(d.result, { done: 1_005 });
      assert.deepEqual(
        d.steps.map((s) => [s.name, s.status]),
        [
          ['plan', 'completed'],
          ['work', 'completed'],
        ],
      );
      assert.deepEqual(
        d.attempts.map((a) => a.outcome),
        ['completed'],
      );
      assert.equal(d.logs.length, 1_000);
      assert.ok(d.logsTotal > 1_000);
      for (let i = 1; i < d.logs.length; i++) assert.ok(d.logs[i]!.id > d.logs[i - 1]!.id, 'chronological');
      for (const l of d.logs) {
        assert.ok(Number.isInteger(l.timestamp) && typeof l.message === 'string');
        assert.ok(['info', 'warn', 'error'].includes(l.level));
      }
      // The older lines come from /logs, paged with after=.
      const older: { id: number; level: string }[] = [];
      let after = 0;
      for (;;) {
        const page = await w.req(`/api/v1/jobs/${job.id}/logs?after=${after}&limit=250`, {
          key: w.keys.read,
        });
        const lines = (await page.json()) as { id: number; level: string }[];
        older.push(...lines);
        const next = page.headers.get('x-next-cursor');
        if (!next) break;
        after = Number(next);
      }
      assert.equal(older.length, d.logsTotal);
      assert.deepEqual(
        older.slice(-1_000).map((l) => l.id),
        d.logs.map((l) => l.id),
      );
      const errors = (await (await w.req(`/api/v1/jobs/${job.id}/logs?level=error`)).json()) as {
        message: string;
      }[];
      assert.ok(
        errors.length >= 1 && errors.every((l) => /item 3|broken/.test(l.message)),
        JSON.stringify(errors),
      );

      // Items: which entity failed and why, paged by an opaque cursor.
      const failed = (await (await w.req(`/api/v1/jobs/${job.id}/items?status=failed`)).json()) as {
        key: string;
        error: string;
      }[];
      assert.deepEqual(
        failed.map((i) => i.key),
        ['item-0003'],
      );
      assert.match(failed[0]!.error, /item 3 is broken/);
      const keys: string[] = [];
      let url: string | null = `/api/v1/jobs/${job.id}/items?limit=300`;
      while (url) {
        const page: Response = await w.req(url);
        keys.push(...((await page.json()) as { key: string }[]).map((i) => i.key));
        url = /^<([^>]+)>/.exec(page.headers.get('link') ?? '')?.[1] ?? null;
      }
      assert.equal(keys.length, 1_005);
      assert.equal(new Set(keys).size, 1_005);
    } finally {
      await w.close();
    }
  });
});
