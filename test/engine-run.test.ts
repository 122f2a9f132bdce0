/** The engine in one process: definitions, enqueue, steps, items, retries, timeouts, logs, shutdown, batching. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { z } from 'zod';
import { isLongrunError } from '../src/core/errors.ts';
import { NonRetryableError } from '../src/engine/context.ts';
import { defineJob, JobRegistry, retryDelay } from '../src/engine/define.ts';
import { createLongrun, type Longrun } from '../src/engine/longrun.ts';
import { createSqliteStore } from '../src/store/sqlite/index.ts';
import type { Store } from '../src/store/types.ts';
import { tempDir, waitFor } from './helpers.ts';

const calls = new Map<string, number>();
const count = (k: string) => calls.set(k, (calls.get(k) ?? 0) + 1);

const flaky = defineJob({
  type: 'test.flaky',
  category: 'sync',
  input: z.object({ failTimes: z.number().int(), tag: z.string() }),
  retry: { maxAttempts: 3, baseDelayMs: 20 },
  async run(ctx, input) {
    const loaded = await ctx.step('load', () => {
      count(`${input.tag}:load`);
      return { rows: 3 };
    });
    await ctx.step('apply', () => {
      count(`${input.tag}:apply`);
      if (ctx.attempt <= input.failTimes) throw new Error(`boom on attempt ${ctx.attempt}`);
    });
    return loaded;
  },
});

const slow = defineJob({
  type: 'test.timeout',
  category: 'ai',
  input: z.object({ ms: z.number() }),
  timeoutMs: 100,
  retry: { maxAttempts: 2, baseDelayMs: 10 },
  async run(_ctx, input) {
    await new Promise((r) => setTimeout(r, input.ms));
  },
});

const items = defineJob({
  type: 'test.items',
  category: 'seo',
  input: z.object({
    n: z.number().int(),
    badEvery: z.number().int(),
    maxFailures: z.number().int().optional(),
  }),
  async run(ctx, input) {
    const list = Array.from({ length: input.n }, (_, i) => i);
    return ctx.each(
      'work',
      list,
      { key: (i) => `k${i}`, concurrency: 4, maxFailures: input.maxFailures },
      async (i) => {
        if (input.badEvery > 0 && i % input.badEvery === 0) throw new Error(`item ${i} is bad`);
      },
    );
  },
});

const chatty = defineJob({
  type: 'test.logs',
  category: 'export',
  input: z.object({ lines: z.number().int() }),
  async run(ctx, input) {
    ctx.log.info('line one\nFAKE [error] forged second line\r\u001b[31m');
    ctx.log.warn('x'.repeat(20_000));
    for (let i = 0; i < input.lines; i++) ctx.log.info(`line ${i}`);
  },
});

const forever = defineJob({
  type: 'test.forever',
  category: 'export',
  input: z.object({}),
  async run(ctx) {
    // Interrupted by the abort, as `sleep(ms, { signal })` or `fetch(url, { signal })` would be.
    await ctx.step(
      'wait',
      () => new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason))),
    );
  },
});

describe('engine', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: Store;
  let longrun: Longrun;

  beforeEach(async () => {
    tmp = tempDir();
    store = await createSqliteStore({ path: join(tmp.dir, 'run.db'), maxLogsPerJob: 50 });
    longrun = createLongrun({ store, jobs: [flaky, slow, items, chatty, forever] });
  });
  afterEach(async () => {
    await longrun.stop({ graceMs: 50 });
    await store.close();
    tmp.cleanup();
  });

  const finished = (id: string) =>
    waitFor(`job ${id} to finish`, async () => {
      const j = await longrun.getJob(id);
      return j.completedAt !== null ? j : null;
    });

  it('the registry rejects duplicate types and unknown categories; categories are configurable', () => {
    assert.throws(
      () => new JobRegistry({ jobs: [flaky, flaky] }),
      (e) => isLongrunError(e, 'duplicate_job_type'),
    );
    const odd = defineJob({ type: 'x.y', category: 'billing', input: z.object({}), run: async () => null });
    assert.throws(
      () => new JobRegistry({ jobs: [odd] }),
      (e) => isLongrunError(e, 'unknown_category'),
    );
    assert.equal(new JobRegistry({ categories: ['billing'], jobs: [odd] }).types()[0], 'x.y');
    assert.throws(
      () => defineJob({ ...odd, type: 'bad type!' }),
      (e) => isLongrunError(e, 'invalid_input'),
    );
  });

  it('describes the registered types, a later registration included', () => {
    const registry = new JobRegistry({ categories: ['billing'] });
    const input = z.object({ n: z.number().int() });
    registry.register(defineJob({ type: 'a.one', category: 'billing', input, run: async () => null }));
    const first = registry.describe();
    assert.deepEqual(
      first.map((t) => t.type),
      ['a.one'],
    );
    assert.equal(registry.describe(), first, 'the same answer until something registers');
    assert.deepEqual((first[0]?.inputSchema as { required?: string[] } | undefined)?.required, ['n']);
    registry.register(defineJob({ type: 'a.two', category: 'billing', input, run: async () => null }));
    assert.deepEqual(
      registry.describe().map((t) => t.type),
      ['a.one', 'a.two'],
    );
  });

  it('enqueue validates input with field paths and honours idempotency keys', async () => {
    await assert.rejects(longrun.enqueue('test.items', { n: 'many', badEvery: 1.5 }), (e) => {
      assert.ok(isLongrunError(e, 'invalid_input'));
      assert.deepEqual(e.details?.map((d) => d.path).sort(), ['input.badEvery', 'input.n']);
      return true;
    });
    await assert.rejects(longrun.enqueue('nope', {}), (e) => isLongrunError(e, 'unknown_job_type'));
    const a = await longrun.enqueue('test.items', { n: 1, badEvery: 0 }, { idempotencyKey: 'k1' });
    const b = await longrun.enqueue('test.items', { badEvery: 0, n: 1 }, { idempotencyKey: 'k1' });
    assert.equal(a.created, true);
    assert.equal(b.created, false);
    assert.equal(b.job.id, a.job.id);
    await assert.rejects(
      longrun.enqueue('test.items', { n: 2, badEvery: 0 }, { idempotencyKey: 'k1' }),
      (e) => isLongrunError(e, 'idempotency_conflict'),
    );
    const other = await longrun.enqueue(
      'test.items',
      { n: 1, badEvery: 0 },
      { idempotencyKey: 'k1', workspaceId: 'ws2' },
    );
    assert.notEqual(other.job.id, a.job.id, 'keys are per workspace');
  });

  it('a failed attempt retries with backoff and resumes after the last completed step', async () => {
    longrun.start({ concurrency: 2 });
    const { job } = await longrun.enqueue('test.flaky', { failTimes: 2, tag: 'resume' });
    const done = await finished(job.id);
    assert.equal(done.status, 'completed');
    assert.equal(calls.get('resume:load'), 1, 'the completed step was not re-run');
    assert.equal(calls.get('resume:apply'), 3);
    assert.deepEqual(
      done.attempts.map((a) => a.outcome),
      ['failed', 'failed', 'completed'],
    );
    assert.deepEqual(done.result, { rows: 3 });
    for (let i = 1; i < done.attempts.length; i++) {
      assert.ok(
        done.attempts[i]!.startedAt >= done.attempts[i - 1]!.endedAt! + 10,
        'backoff between attempts',
      );
    }
  });

  it('a job fails for good after maxAttempts, with the last error', async () => {
    longrun.start({ concurrency: 2 });
    const { job } = await longrun.enqueue('test.flaky', { failTimes: 99, tag: 'fail' });
    const done = await finished(job.id);
    assert.equal(done.status, 'failed');
    assert.equal(done.attempt, 3);
    assert.deepEqual(done.error, { code: 'handler_error', message: 'boom on attempt 3' });
    assert.ok(
      done.logs.some((l) => l.level === 'error' && l.message === 'attempt 3 failed: boom on attempt 3'),
    );
  });

  it('backoff grows exponentially with jitter and a cap', () => {
    const low = () => 0;
    const high = () => 1;
    assert.equal(retryDelay({ baseDelayMs: 100 }, 1, low), 50);
    assert.equal(retryDelay({ baseDelayMs: 100 }, 3, high), 400);
    assert.equal(retryDelay({ baseDelayMs: 100, maxDelayMs: 250 }, 10, high), 250);
  });

  it('an attempt past its timeout ends as timed_out and is retried', async () => {
    longrun.start({ concurrency: 2 });
    const { job } = await longrun.enqueue('test.timeout', { ms: 5_000 });
    const done = await finished(job.id);
    assert.equal(done.status, 'failed');
    assert.deepEqual(
      done.attempts.map((a) => a.outcome),
      ['timed_out', 'timed_out'],
    );
    assert.equal(done.error?.code, 'timed_out');
  });

  it('failing items are counted and logged without failing the job, unless maxFailures says so', async () => {
    longrun.start({ concurrency: 2 });
    const ok = await longrun.enqueue('test.items', { n: 100, badEvery: 10 });
    const capped = await longrun.enqueue('test.items', { n: 100, badEvery: 2, maxFailures: 5 });
    const a = await finished(ok.job.id);
    assert.equal(a.status, 'completed');
    assert.deepEqual(a.progress, { total: 100, completed: 90, failed: 10 });
    const failedItems = await longrun.listItems(ok.job.id, { status: 'failed', limit: 100 });
    assert.equal(failedItems.length, 10);
    assert.equal(failedItems.find((i) => i.key === 'k10')?.error, 'item 10 is bad');
    assert.equal(a.logs.filter((l) => l.level === 'error').length, 10);
    const b = await finished(capped.job.id);
    assert.equal(b.status, 'failed');
    assert.equal(b.error?.code, 'too_many_failures');
    assert.equal(b.attempts.length, 1, 'a threshold failure is not retried');
  });

  it('log lines cannot forge lines, are capped at 8 KiB, and a job keeps at most its log limit', async () => {
    longrun.start({ concurrency: 1 });
    const { job } = await longrun.enqueue('test.logs', { lines: 100 });
    const done = await finished(job.id);
    const first = done.logs[0]!;
    assert.equal(first.message, 'line one\\nFAKE [error] forged second line\\r\\u001b[31m');
    assert.ok(!/[\n\r]/.test(first.message));
    assert.ok(done.logs[1]!.message.length < 8_300 && done.logs[1]!.message.includes('[truncated'));
    assert.equal(done.logsTotal, 50);
    assert.equal(done.logs.length, 51, 'the 50 kept lines and one truncation marker');
    assert.match(done.logs[50]!.message, /log limit of 50 lines reached/);
  });

  it('stop() releases unfinished jobs to pending without charging an attempt; nothing stays running', async () => {
    longrun.start({ concurrency: 2 });
    const { job } = await longrun.enqueue('test.forever', {});
    await waitFor('the job to run', async () => (await longrun.getJob(job.id)).status === 'running');
    await longrun.stop({ graceMs: 50 });
    const after = await longrun.getJob(job.id);
    assert.equal(after.status, 'pending');
    assert.equal(after.attempts[0]?.outcome, 'released');
    const counts = await longrun.counts();
    assert.equal(counts.find((c) => c.status === 'running')?.count ?? 0, 0);
    // A released attempt is not charged: the job still gets its full maxAttempts afterwards.
    const row = await store.jobClaim({ workerId: 't', limit: 1, types: ['test.forever'], leaseMs: 1000 });
    await store.jobFinish({
      finishes: [
        { lease: row[0]!.lease, outcome: 'failed', retryDelayMs: 0, error: { code: 'x', message: 'x' } },
      ],
    });
    assert.equal((await longrun.getJob(job.id)).status, 'pending', 'attempt 2 of 3 charged ones left');
  });

  it('a job reporting 100,000 items costs a bounded number of write transactions', async () => {
    longrun.start({ concurrency: 1 });
    const before = store.statsRead().writeTransactions;
    const { job } = await longrun.enqueue('test.items', { n: 100_000, badEvery: 0 });
    const done = await finished(job.id);
    const used = store.statsRead().writeTransactions - before;
    assert.deepEqual(done.progress, { total: 100_000, completed: 100_000, failed: 0 });
    assert.equal((await longrun.listItems(job.id, { limit: 100 })).length, 100);
    // Items are flushed every 5,000 (20 flushes) plus interval flushes while it runs; per-item
    // transactions would be 100,000.
    assert.ok(used < 200, `${used} write transactions`);
  });

  it('NonRetryableError fails at once with its code', async () => {
    const nr = defineJob({
      type: 'test.nonretry',
      category: 'ai',
      input: z.object({}),
      run: async () => {
        throw new NonRetryableError('bad credentials', 'auth_failed');
      },
    });
    longrun.registry.register(nr);
    longrun.start({ concurrency: 1 });
    const { job } = await longrun.enqueue('test.nonretry', {});
    const done = await finished(job.id);
    assert.equal(done.status, 'failed');
    assert.deepEqual(done.error, { code: 'auth_failed', message: 'bad credentials' });
    assert.equal(done.attempts.length, 1);
  });

  it('a step name or item key holding NUL or too long fails the job at once, naming it', async () => {
    const bad = { nul: ['a\u0000b', 'x\u0000y'], long: ['s'.repeat(201), 'k'.repeat(1_001)] };
    const nul = defineJob({
      type: 'test.nul',
      category: 'sync',
      input: z.object({ where: z.enum(['step', 'key']), how: z.enum(['nul', 'long']) }),
      run: async (ctx, input) => {
        const [step, key] = bad[input.how];
        if (input.where === 'step') await ctx.step(step!, () => 1);
        await ctx.each('items', [1, 2], { key: (i) => (i === 2 ? key! : `k${i}`) }, async () => {});
      },
    });
    longrun.registry.register(nul);
    longrun.start({ concurrency: 2 });
    for (const [where, how, message] of [
      ['step', 'nul', 'step name must not contain NUL (U+0000)'],
      ['key', 'nul', 'item key must not contain NUL (U+0000)'],
      ['step', 'long', 'step name must be at most 200 characters'],
      ['key', 'long', 'item key must be at most 1000 characters'],
    ] as const) {
      const { job } = await longrun.enqueue('test.nul', { where, how });
      const done = await finished(job.id);
      assert.equal(done.status, 'failed');
      assert.equal(done.error?.message, message);
      assert.equal(done.attempts.length, 1, 'not retried');
    }
    // The longest allowed step and key still page: their cursor is one the server takes back.
    const cursors = await longrun.cursors();
    const longest = cursors.encodeItem('\u0800'.repeat(200), '\u0800'.repeat(1_000));
    assert.equal(cursors.decodeItem(longest), `${'\u0800'.repeat(200)}\u0000${'\u0800'.repeat(1_000)}`);
  });
});
