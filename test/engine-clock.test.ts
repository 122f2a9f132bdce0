/**
 * The engine runs on the injected clock: retry backoff, attempt timeouts, heartbeats and lease
 * expiry all move only when a fake clock moves, with no sleeping. The store shares the clock, so
 * run times and leases are stamped on the same time line.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { z } from 'zod';
import { type FakeClock, fakeClock } from '../src/core/clock.ts';
import { defineJob } from '../src/engine/define.ts';
import { createLongrun, type Longrun } from '../src/engine/longrun.ts';
import { createSqliteStore } from '../src/store/sqlite/index.ts';
import type { Store } from '../src/store/types.ts';
import { tempDir } from './helpers.ts';

const calls: { type: string; attempt: number; at: number }[] = [];
let clock: FakeClock;

const flaky = defineJob({
  type: 'clock.flaky',
  category: 'sync',
  input: z.object({}),
  retry: { maxAttempts: 3, baseDelayMs: 10_000 },
  async run(ctx) {
    calls.push({ type: 'clock.flaky', attempt: ctx.attempt, at: clock.now() });
    if (ctx.attempt < 3) throw new Error(`attempt ${ctx.attempt} fails`);
    return 'done';
  },
});

/** Waits for its signal and nothing else: only a timeout, a cancel or a lost lease ends it. */
const hang = defineJob({
  type: 'clock.hang',
  category: 'sync',
  input: z.object({}),
  retry: { maxAttempts: 1 },
  timeoutMs: 60_000,
  run(ctx) {
    calls.push({ type: 'clock.hang', attempt: ctx.attempt, at: clock.now() });
    return new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)));
  },
});

const ok = defineJob({
  type: 'clock.ok',
  category: 'sync',
  input: z.object({}),
  async run(ctx) {
    calls.push({ type: 'clock.ok', attempt: ctx.attempt, at: clock.now() });
    return null;
  },
});

describe('the engine on a fake clock', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: Store;
  let longrun: Longrun;
  const T0 = 1_900_000_000_000;

  beforeEach(async () => {
    calls.length = 0;
    tmp = tempDir();
    clock = fakeClock(T0);
    store = await createSqliteStore({ path: join(tmp.dir, 'clock.db'), clock });
    longrun = createLongrun({ store, jobs: [flaky, hang, ok], clock });
  });

  afterEach(async () => {
    await longrun.stop({ graceMs: 0 });
    await store.close();
    tmp.cleanup();
  });

  /** Lets queued work run (event-loop turns, never a timer) until `cond` holds. */
  async function until(cond: () => boolean | Promise<boolean>, what: string): Promise<void> {
    for (let i = 0; i < 200; i++) {
      if (await cond()) return;
      await clock.tickAsync(0);
    }
    assert.fail(`never: ${what}`);
  }

  const status = (id: string) => longrun.getJob(id);
  const start = () => longrun.start({ concurrency: 2, pollIntervalMs: 100, leaseMs: 30_000 });

  it('waits out each retry backoff on the clock, and only then runs the next attempt', async () => {
    start();
    const { job } = await longrun.enqueue('clock.flaky', {});
    await until(async () => (await status(job.id)).attempt === 1 && calls.length === 1, 'attempt 1 ran');
    await until(async () => (await status(job.id)).status === 'pending', 'attempt 1 finished');
    const first = await status(job.id);
    // Full jitter over the upper half of 10 s: the second attempt is due 5–10 s after the failure.
    assert.ok(first.runAt >= T0 + 5_000 && first.runAt <= T0 + 10_000, `runAt ${first.runAt - T0}`);

    await clock.tickAsync(first.runAt - clock.now() - 1);
    assert.equal(calls.length, 1, 'nothing runs before the backoff is over');
    await clock.tickAsync(101);
    await until(() => calls.length === 2, 'attempt 2 ran once its backoff was over');
    assert.ok((calls[1]?.at ?? 0) >= first.runAt);

    await until(async () => (await status(job.id)).status === 'pending', 'attempt 2 finished');
    const second = await status(job.id);
    const wait = second.runAt - (calls[1]?.at ?? 0);
    assert.ok(wait >= 10_000 && wait <= 20_000, `the second backoff doubles: ${wait}`);
    await clock.tickAsync(second.runAt - clock.now() + 100);
    await until(async () => (await status(job.id)).status === 'completed', 'attempt 3 completed');

    const attempts = await store.attemptList({ jobId: job.id });
    assert.deepEqual(
      attempts.map((a) => a.outcome),
      ['failed', 'failed', 'completed'],
    );
  });

  it('ends an attempt that outlives its timeout when the clock passes it, not before', async () => {
    start();
    const { job } = await longrun.enqueue('clock.hang', {});
    await until(() => calls.length === 1, 'the attempt started');
    const startedAt = calls[0]?.at ?? 0;
    // Heartbeats renew the lease on the fake clock all along: 59 s is twice the lease.
    await clock.tickAsync(startedAt + 59_999 - clock.now());
    assert.equal((await status(job.id)).status, 'running');
    await clock.tickAsync(1);
    await until(async () => (await status(job.id)).status === 'failed', 'the attempt timed out');
    const done = await status(job.id);
    assert.equal(done.error?.code, 'timed_out');
    assert.equal(done.completedAt, startedAt + 60_000);
  });

  it('keeps a heartbeated lease past its length and recovers an abandoned one once it expires', async () => {
    const { job: abandoned } = await longrun.enqueue('clock.ok', {});
    const [claimed] = await store.jobClaim({
      workerId: 'worker-that-died',
      limit: 1,
      types: ['clock.ok'],
      leaseMs: 30_000,
    });
    assert.equal(claimed?.job.id, abandoned.id);
    const { job: live } = await longrun.enqueue('clock.hang', {});
    start();
    await until(() => calls.some((c) => c.type === 'clock.hang'), 'the live job started');

    await clock.tickAsync(29_000);
    assert.equal(calls.filter((c) => c.type === 'clock.ok').length, 0, 'the abandoned lease has not expired');
    await clock.tickAsync(2_000);
    await until(async () => (await status(abandoned.id)).status === 'completed', 'recovered and run');
    assert.deepEqual(
      calls.filter((c) => c.type === 'clock.ok').map((c) => c.attempt),
      [2],
    );
    assert.equal((await store.attemptList({ jobId: abandoned.id }))[0]?.outcome, 'crashed');

    // 40 s in, past its 30 s lease: the live job runs on in its first attempt on its heartbeats.
    await clock.tickAsync(9_000);
    assert.equal((await status(live.id)).status, 'running');
    assert.equal((await status(live.id)).attempt, 1);
    await longrun.cancel(live.id);
    await until(
      async () => (await store.attemptList({ jobId: live.id }))[0]?.outcome != null,
      'the cancel ended it',
    );
    assert.equal(calls.filter((c) => c.type === 'clock.hang').length, 1);
  });
});
