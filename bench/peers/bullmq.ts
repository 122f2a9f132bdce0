/**
 * BullMQ 5 on Redis as a benchmark adapter, with the settings its documentation recommends for
 * throughput: one `Worker` per process with concurrency 50 (the reference figures' setting),
 * `maxRetriesPerRequest: null` on the worker's connection as BullMQ
 * requires, its default blocking fetch (BZPOPMIN, so a new job wakes an idle worker at once) and
 * completed jobs kept, as Longrun and pg-boss keep theirs. Bulk enqueue is `Queue.addBulk` (one
 * MULTI), single enqueues `Queue.add`.
 *
 * The Redis server is whatever answers at LONGRUN_BENCH_REDIS (default redis://127.0.0.1:6379): on
 * this machine Redis 7.0 without persistence (no AOF, no RDB saves), so an acknowledged job lives
 * only in memory; Longrun's figures are with fsync on. Each "schema" of the shared harness is a
 * queue name here; `uninstall` removes the queue's keys.
 */
import { Queue, Worker } from 'bullmq';
import { type Adapter, sharedNow } from '../pg-common.ts';

const url = new URL(process.env.LONGRUN_BENCH_REDIS ?? 'redis://127.0.0.1:6379');
const connection = { host: url.hostname, port: Number(url.port || 6379) };
const CONCURRENCY = Number(process.env.BULLMQ_BENCH_CONCURRENCY ?? 50);

export const bullmqAdapter: Adapter = {
  label: 'BullMQ 5.81.5',
  settings: `concurrency ${CONCURRENCY}, one Worker per process, completed jobs kept; Redis without persistence`,
  async install() {},
  async uninstall(schema) {
    const queue = new Queue(schema, { connection });
    await queue.obliterate({ force: true });
    await queue.close();
  },
  async open(schema) {
    const queue = new Queue(schema, { connection });
    return {
      async enqueueBatch(n) {
        await queue.addBulk(Array.from({ length: n }, (_, i) => ({ name: 'noop', data: { i } })));
      },
      async enqueueOne(i) {
        await queue.add('noop', { i });
      },
      async completed() {
        const counts = await queue.getJobCounts('completed');
        return counts.completed ?? 0;
      },
      close: () => queue.close(),
    };
  },
  async prepareWorker(schema, hooks) {
    const worker = new Worker(
      schema,
      async () => {
        hooks.onStart?.(sharedNow());
        hooks.onRan?.(1);
      },
      { connection: { ...connection, maxRetriesPerRequest: null }, concurrency: CONCURRENCY, autorun: false },
    );
    await worker.waitUntilReady();
    return {
      async go() {
        void worker.run();
        return {
          async stop() {
            await worker.close();
          },
        };
      },
    };
  },
};

/** Whether Redis answers, for skipping BullMQ with a printed reason when it does not. */
export async function redisAnswers(): Promise<string | null> {
  const queue = new Queue('longrun-bench-probe', {
    connection: {
      ...connection,
      enableOfflineQueue: false,
      connectTimeout: 1_000,
      retryStrategy: () => null,
    },
  });
  try {
    const client = await queue.client;
    const info = await client.info();
    return info.match(/redis_version:(\S+)/)?.[1] ?? 'unknown';
  } catch {
    return null;
  } finally {
    await queue.close().catch(() => {});
  }
}
