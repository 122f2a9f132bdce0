/**
 * graphile-worker 0.16.6 as a benchmark adapter, with its best settings for no-op throughput:
 * concurrency 16 with a pool of concurrency + 2 (below that it warns of "non-optimal performance";
 * concurrency 4, 10 and 24 were no faster on 2 cores, and 4 processes × 26 connections would not
 * fit in max_connections = 100), its default pollInterval (new jobs arrive by LISTEN on
 * `jobs:insert`), no signal handlers, a schema of its own. Its `run()` (which checks migrations and
 * starts the pool's listener) happens before the clock starts, as every system's start-up does: the
 * task waits for `go`, so at most `concurrency` jobs are fetched before the clock.
 *
 * 0.16 has no JS `addJobs`; its batch API is the SQL function `<schema>.add_jobs(job_spec[])`
 * (one statement, one NOTIFY), which is what this adapter's bulk enqueue calls. Single enqueues use
 * `WorkerUtils.addJob`, the ordinary call. Completed jobs are deleted by graphile-worker, so
 * "completed" is jobs enqueued minus rows left.
 */
import { Logger, makeWorkerUtils, run, runMigrations } from 'graphile-worker';
import pg from 'pg';
import { type Adapter, PG_URL, sharedNow } from '../pg-common.ts';

const CONCURRENCY = Number(process.env.GW_BENCH_CONCURRENCY ?? 16);
const POOL = Number(process.env.GW_BENCH_POOL ?? CONCURRENCY + 2);

// Its default logger prints a line per worker start and stop; measuring prints are not its job.
const quiet = new Logger(() => () => {});

export const graphileAdapter: Adapter = {
  label: 'graphile-worker 0.16.6',
  settings: `concurrency ${CONCURRENCY}, maxPoolSize ${POOL}, pollInterval default (2 s) + LISTEN`,
  async install(schema) {
    await runMigrations({ connectionString: PG_URL, schema, logger: quiet });
  },
  async open(schema) {
    const pool = new pg.Pool({ connectionString: PG_URL, max: 2 });
    const utils = await makeWorkerUtils({ pgPool: pool, schema, logger: quiet });
    let enqueued = 0;
    const addJobsSql = `SELECT count(*) FROM "${schema}".add_jobs(ARRAY(
      SELECT ROW('noop', p, NULL, NULL, NULL, NULL, NULL, NULL)::"${schema}".job_spec FROM unnest($1::json[]) p))`;
    return {
      async enqueueBatch(n) {
        const payloads = Array.from({ length: n }, (_, i) => JSON.stringify({ i }));
        await pool.query(addJobsSql, [payloads]);
        enqueued += n;
      },
      async enqueueOne(i) {
        await utils.addJob('noop', { i });
        enqueued++;
      },
      async completed() {
        const { rows } = await pool.query<{ n: string }>(
          `SELECT count(*) AS n FROM "${schema}"._private_jobs`,
        );
        return enqueued - Number(rows[0]?.n ?? 0);
      },
      async close() {
        await utils.release();
        await pool.end();
      },
    };
  },
  async prepareWorker(schema, hooks) {
    const pool = new pg.Pool({ connectionString: PG_URL, max: POOL });
    let open: () => void = () => {};
    const gate = new Promise<void>((r) => {
      open = r;
    });
    const runner = await run({
      pgPool: pool,
      schema,
      concurrency: CONCURRENCY,
      noHandleSignals: true,
      logger: quiet,
      taskList: {
        noop: async () => {
          await gate;
          hooks.onStart?.(sharedNow());
          hooks.onRan?.(1);
        },
      },
    });
    return {
      async go() {
        open();
        return {
          async stop() {
            await runner.stop();
            await pool.end();
          },
        };
      },
    };
  },
};
