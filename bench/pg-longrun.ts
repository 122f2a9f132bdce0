/**
 * Longrun as a benchmark adapter: the public engine (`createLongrun`) over `createPostgresStore`,
 * exactly as `longrun worker --db postgres://…` runs it, or over `createSqliteStore` on a file
 * that every worker process opens (the harness's "schema" names the file).
 */

import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { defineJob } from '../src/engine/define.ts';
import { createLongrun } from '../src/engine/longrun.ts';
import { createPostgresStore } from '../src/store/postgres/index.ts';
import { createSqliteStore } from '../src/store/sqlite/index.ts';
import type { Store } from '../src/store/types.ts';
import { type Adapter, PG_URL, sharedNow, type WorkerHooks } from './pg-common.ts';

const WORKSPACE = 'bench';

/**
 * Worker settings for no-op jobs on 2 cores. Claims and finishes are batched, so the pool wants
 * enough jobs in flight to fill a large claim while the previous batch's finish commits: a sweep
 * (concurrency/claimBatch 250/250, 300/100, 500/250, 1000/250, 1000/500, 1500/500, 2000/1000)
 * put 1000/500 at the top with 1500/500 and 2000/1000, and 250/250 or 300/100 at about half.
 * Overridable for experiments without editing code.
 */
export const LONGRUN_WORKER = {
  concurrency: Number(process.env.LR_BENCH_CONCURRENCY ?? 1_000),
  claimBatch: Number(process.env.LR_BENCH_CLAIM ?? 500),
  poolSize: Number(process.env.LR_BENCH_POOL ?? 10),
};

let hooks: WorkerHooks = {};
const noop = defineJob({
  type: 'bench.noop',
  category: 'sync',
  input: z.object({ i: z.number() }),
  run: async () => {
    hooks.onStart?.(sharedNow());
    hooks.onRan?.(1);
    return null;
  },
});

const sqliteFile = (schema: string) => join(tmpdir(), `${schema}.db`);

function openStore(
  kind: 'postgres' | 'sqlite',
  schema: string,
  opts: { migrate?: boolean; poolSize?: number; claimCommit?: 'async' | 'sync' },
) {
  return kind === 'sqlite'
    ? createSqliteStore({ path: sqliteFile(schema) })
    : createPostgresStore({ connectionString: PG_URL, schema, ...opts });
}

/**
 * One SQLite store per file in a process, shared by the bench's enqueuing client and its in-process
 * worker, as a library user enqueues and works through one instance: its wake-ups are in-process.
 * Two instances on one file hear of each other's jobs through a watch on the -wal file
 * (store/sqlite/foreign-jobs.ts), which the worker-process latency row measures. PostgreSQL
 * stores are opened per use (NOTIFY joins them).
 */
const sharedSqlite = new Map<string, { store: Promise<Store>; users: number }>();

async function acquire(
  kind: 'postgres' | 'sqlite',
  schema: string,
  opts: { migrate?: boolean; poolSize?: number; claimCommit?: 'async' | 'sync' },
): Promise<{ store: Store; release(): Promise<void> }> {
  if (kind === 'postgres') {
    const store = await openStore(kind, schema, opts);
    return { store, release: () => store.close() };
  }
  const entry = sharedSqlite.get(schema) ?? { store: openStore(kind, schema, opts), users: 0 };
  sharedSqlite.set(schema, entry);
  entry.users++;
  const store = await entry.store;
  return {
    store,
    async release() {
      if (--entry.users > 0) return;
      sharedSqlite.delete(schema);
      await store.close();
    },
  };
}

export const longrunAdapter = longrunOn('postgres');
/** The same, with `claimCommit: 'sync'`: every commit waits for its WAL flush, as the peers' do. */
export const longrunSyncAdapter = longrunOn('postgres', 'sync');
export const longrunSqliteAdapter = longrunOn('sqlite');

function longrunOn(kind: 'postgres' | 'sqlite', claimCommit: 'async' | 'sync' = 'async'): Adapter {
  const pool = `concurrency ${LONGRUN_WORKER.concurrency}, claimBatch ${LONGRUN_WORKER.claimBatch}`;
  return {
    label:
      kind === 'sqlite'
        ? 'Longrun (SQLite)'
        : `Longrun (PostgreSQL, ${claimCommit === 'sync' ? 'sync' : 'async'} claims)`,
    settings:
      kind === 'sqlite'
        ? `${pool}, WAL + synchronous=NORMAL`
        : `${pool}, pool ${LONGRUN_WORKER.poolSize} + 1 LISTEN, claimCommit '${claimCommit}': ${
            claimCommit === 'sync'
              ? 'every commit waits for its WAL flush'
              : 'claims commit with synchronous_commit off, inserts and finishes wait for their WAL flush'
          }`,
    async install(schema) {
      const store = await openStore(kind, schema, {});
      await store.close();
    },
    async uninstall(schema) {
      if (kind === 'sqlite')
        for (const ext of ['', '-wal', '-shm']) rmSync(sqliteFile(schema) + ext, { force: true });
    },
    async open(schema) {
      const { store, release } = await acquire(kind, schema, { migrate: false, claimCommit });
      const longrun = createLongrun({ store, jobs: [noop] });
      return {
        async enqueueBatch(n) {
          await longrun.enqueueMany(
            Array.from({ length: n }, (_, i) => ({
              type: 'bench.noop',
              input: { i },
              opts: { workspaceId: WORKSPACE },
            })),
          );
        },
        async enqueueOne(i) {
          await longrun.enqueue('bench.noop', { i }, { workspaceId: WORKSPACE });
        },
        async completed() {
          const counts = await store.jobCounts({ workspaceId: WORKSPACE });
          return counts.filter((c) => c.status === 'completed').reduce((s, c) => s + c.count, 0);
        },
        close: release,
      };
    },
    async prepareWorker(schema, workerHooks) {
      hooks = workerHooks;
      const { store, release } = await acquire(kind, schema, {
        migrate: false,
        poolSize: LONGRUN_WORKER.poolSize,
        claimCommit,
      });
      await store.ping();
      const longrun = createLongrun({ store, jobs: [noop] });
      return {
        async go() {
          longrun.start({
            concurrency: LONGRUN_WORKER.concurrency,
            claimBatch: LONGRUN_WORKER.claimBatch,
            pollIntervalMs: 1_000,
          });
          return {
            async stop() {
              await longrun.stop();
              await release();
            },
          };
        },
      };
    },
  };
}
