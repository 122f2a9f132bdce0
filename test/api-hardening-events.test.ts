/**
 * Regression: on the workspace stream a `step` event's `name` carried the job's name (the
 * enrichment overwrote it), so the dashboard showed the job's name as its current step. A step
 * event names its step; every event names its job as `jobName`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ApiFixture, apiFixture, gate, type SseEvent, sseReader } from './api-helpers.ts';

describe('the workspace stream', () => {
  let f: ApiFixture;
  before(async () => {
    f = await apiFixture({ workers: true, sse: { pollMs: 50 } });
  });
  after(() => f.close());

  it("names a step event's step, and the job as jobName", { timeout: 30_000 }, async () => {
    const sse = sseReader(await f.req('/api/v1/events', { key: f.keys.read }));
    const { job } = await f.longrun.enqueue('test.stepped', { gate: 'hardening-steps', items: 2 });
    gate('hardening-steps').allow(2);
    const seen: SseEvent[] = [];
    for (;;) {
      const e = await sse.next();
      assert.ok(e, 'the stream stays open');
      if (e.data.jobId !== job.id) continue;
      seen.push(e);
      if (e.event === 'status' && e.data.status === 'completed') break;
    }
    await sse.cancel();

    const steps = seen.filter((e) => e.event === 'step');
    assert.deepEqual(
      [...new Set(steps.map((e) => e.data.name))],
      ['plan', 'work'],
      'step names, not the job name',
    );
    for (const e of seen) assert.equal(e.data.jobName, 'Stepped hardening-steps', `${e.event} names its job`);
    for (const e of seen.filter((x) => x.event !== 'step'))
      assert.equal(e.data.name, 'Stepped hardening-steps', `${e.event} keeps the job's name as name`);
  });
});
