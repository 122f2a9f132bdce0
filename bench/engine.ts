/**
 * Engine throughput and latency over any Store: bulk and single enqueue, no-op jobs drained end to
 * end, enqueue→start latency, and the write transactions a 100,000-item job costs.
 */
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { defineJob } from '../src/engine/define.ts';
import { createLongrun, type Longrun } from '../src/engine/longrun.ts';
import type { Store } from '../src/store/types.ts';

export type Figures = Record<string, number | string>;

const started = new Map<string, number>();
const noop = defineJob({
  type: 'bench.noop',
  category: 'sync',
  input: z.object({ i: z.number() }),
  run: async (ctx) => {
    if (started.size < 100_000) started.set(ctx.jobId, performance.now());
    return null;
  },
});
const manyItems = defineJob({
  type: 'bench.items',
  category: 'export',
  input: z.object({ n: z.number() }),
  run: async (ctx, input) =>
    ctx.each(
      'items',
      Array.from({ length: input.n }, (_, i) => i),
      { key: (i) => String(i) },
      async () => {},
    ),
});

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const round = (n: number, digits = 0) => Number(n.toFixed(digits));

/**
 * Single `bench.noop` enqueues into a running pool, one at a time, each timed from the call to its
 * handler's first line (`started` is filled by the handler); the first `warmup` are not kept.
 * Returns the kept latencies in ms, sorted.
 */
export async function enqueueToStartSamples(
  longrun: Longrun,
  started: ReadonlyMap<string, number>,
  p: { workspaceId: string; samples: number; warmup?: number },
): Promise<number[]> {
  const warmup = p.warmup ?? 0;
  const latencies: number[] = [];
  for (let i = 0; i < warmup + p.samples; i++) {
    const t0 = performance.now();
    const { job } = await longrun.enqueue('bench.noop', { i }, { workspaceId: p.workspaceId });
    while (!started.has(job.id)) await new Promise((r) => setImmediate(r));
    if (i >= warmup) latencies.push((started.get(job.id) ?? t0) - t0);
  }
  return latencies.sort((a, b) => a - b);
}

async function drain(store: Store, total: number, workspaceId: string): Promise<void> {
  for (;;) {
    const counts = await store.jobCounts({ workspaceId });
    const done = counts.filter((c) => c.status === 'completed').reduce((s, c) => s + c.count, 0);
    if (done >= total) return;
    await new Promise((r) => setTimeout(r, 5));
  }
}

export async function benchEngine(
  makeStore: () => Promise<Store>,
  opts: { jobs?: number; concurrency?: number } = {},
): Promise<Figures> {
  const figures: Figures = {};
  const jobs = opts.jobs ?? 20_000;

  {
    const store = await makeStore();
    const longrun = createLongrun({ store, jobs: [noop, manyItems] });
    const batch = Array.from({ length: 10_000 }, (_, i) => ({
      type: 'bench.noop',
      input: { i },
      opts: { workspaceId: 'bulk' },
    }));
    await longrun.enqueueMany(batch.slice(0, 1_000)); // warm-up: statement preparation, JIT
    const t0 = performance.now();
    for (let r = 0; r < 10; r++) await longrun.enqueueMany(batch);
    figures['bulk enqueue jobs/s'] = round(100_000 / ((performance.now() - t0) / 1000));

    const t1 = performance.now();
    for (let i = 0; i < 2_000; i++) await longrun.enqueue('bench.noop', { i }, { workspaceId: 'single' });
    figures['single enqueue jobs/s'] = round(2_000 / ((performance.now() - t1) / 1000));
    await store.close();
  }

  {
    const store = await makeStore();
    const longrun = createLongrun({ store, jobs: [noop, manyItems] });
    for (let done = 0; done < jobs; done += 10_000) {
      const n = Math.min(10_000, jobs - done);
      await longrun.enqueueMany(
        Array.from({ length: n }, (_, i) => ({
          type: 'bench.noop',
          input: { i },
          opts: { workspaceId: 'drain' },
        })),
      );
    }
    const t0 = performance.now();
    longrun.start({ concurrency: opts.concurrency ?? 1_000, claimBatch: 500, pollIntervalMs: 1_000 });
    await drain(store, jobs, 'drain');
    figures['no-op jobs processed/s'] = round(jobs / ((performance.now() - t0) / 1000));
    await longrun.stop();
    await store.close();
  }

  {
    const store = await makeStore();
    const longrun = createLongrun({ store, jobs: [noop, manyItems] });
    longrun.start({ concurrency: 10, pollIntervalMs: 1_000 });
    const latencies = await enqueueToStartSamples(longrun, started, {
      workspaceId: 'latency',
      samples: 2_000,
    });
    figures['enqueue→start p50 ms'] = round(percentile(latencies, 50), 2);
    figures['enqueue→start p99 ms'] = round(percentile(latencies, 99), 2);

    const before = store.statsRead().writeTransactions;
    const { job } = await longrun.enqueue('bench.items', { n: 100_000 }, { workspaceId: 'items' });
    const t0 = performance.now();
    for (;;) {
      const found = await store.jobGet({ workspaceId: 'items', id: job.id });
      if (found?.job.completedAt) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    figures['100,000-item job: write transactions'] = store.statsRead().writeTransactions - before;
    figures['100,000-item job: seconds'] = round((performance.now() - t0) / 1000, 2);
    await longrun.stop();
    await store.close();
  }
  return figures;
}
