/**
 * pg-boss 10.4.2 as a benchmark adapter, with its best settings for no-op throughput: 25 `work()`
 * loops per process, each fetching up to 100 jobs at a time and polling at its minimum interval
 * (0.5 s). Maintenance and cron scheduling are off in the benchmark processes (`supervise`,
 * `schedule`), which only removes work from pg-boss's side. Bulk enqueue is `insert()`, one
 * statement for the whole array; single enqueues are `send()`. Completed jobs stay in `job` with
 * state `completed` until archived, which is what "completed" counts.
 */
import PgBoss from 'pg-boss';
import { type Adapter, PG_URL, sharedNow } from '../pg-common.ts';

const QUEUE = 'noop';
const LOOPS = Number(process.env.BOSS_BENCH_LOOPS ?? 25);
const BATCH = Number(process.env.BOSS_BENCH_BATCH ?? 100);
const POOL = Number(process.env.BOSS_BENCH_POOL ?? 10);
const POLL_S = 0.5;

function boss(schema: string, max = POOL): PgBoss {
  const b = new PgBoss({ connectionString: PG_URL, schema, max, supervise: false, schedule: false });
  // Without a listener an 'error' event would throw; a failure shows up as a drain timeout instead.
  b.on('error', (err) => console.error(`[pg-boss] ${err.message}`));
  return b;
}

/**
 * `loops` is a parameter for experiments. Loops started together stay in step (each sleeps the
 * interval minus its fetch time), so 25 loops wake the queue about as often as one.
 */
export const pgbossAdapter = (loops = LOOPS): Adapter => ({
  label: 'pg-boss 10.4.2',
  settings: `${loops} work() loops, batchSize ${BATCH}, pollingIntervalSeconds ${POLL_S}, pool ${POOL}`,
  async install(schema) {
    const b = boss(schema, 2);
    await b.start();
    await b.createQueue(QUEUE);
    await b.stop({ graceful: false, wait: true });
  },
  async open(schema) {
    const b = boss(schema, 2);
    await b.start();
    return {
      async enqueueBatch(n) {
        await b.insert(Array.from({ length: n }, (_, i) => ({ name: QUEUE, data: { i } })));
      },
      async enqueueOne(i) {
        await b.send(QUEUE, { i });
      },
      async completed() {
        const { rows } = await b
          .getDb()
          .executeSql(`SELECT count(*) AS n FROM "${schema}".job WHERE name = $1 AND state = 'completed'`, [
            QUEUE,
          ]);
        return Number(rows[0]?.n ?? 0);
      },
      close: () => b.stop({ graceful: false, wait: true }),
    };
  },
  async prepareWorker(schema, hooks) {
    const b = boss(schema);
    await b.start();
    return {
      async go() {
        const handler = async (jobs: PgBoss.Job<unknown>[]) => {
          if (hooks.onStart) for (const _ of jobs) hooks.onStart(sharedNow());
          hooks.onRan?.(jobs.length);
        };
        for (let i = 0; i < loops; i++)
          await b.work(QUEUE, { batchSize: BATCH, pollingIntervalSeconds: POLL_S }, handler);
        return {
          async stop() {
            await b.stop({ graceful: true, wait: true, timeout: 5_000 });
          },
        };
      },
    };
  },
});
