/**
 * Three engines on one database (one SQLite file, or one PostgreSQL schema), each with its own
 * store and scheduler, all on one fake clock: what three worker processes look like to the
 * scheduler, with time the test moves.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { type FakeClock, fakeClock } from '../src/core/clock.ts';
import type { Job } from '../src/core/job.ts';
import { type AnyJobDefinition, defineJob } from '../src/engine/define.ts';
import { createLongrun, type Longrun } from '../src/engine/longrun.ts';
import { createPostgresStore } from '../src/store/postgres/index.ts';
import { createSqliteStore } from '../src/store/sqlite/index.ts';
import type { Store } from '../src/store/types.ts';
import { tempDir } from './helpers.ts';
import { dropSchema, newSchemaName, PG_URL } from './store-postgres-helpers.ts';

export type StoreKind = 'sqlite' | 'postgres';

export const reportJob = defineJob({
  type: 'sched.report',
  category: 'export',
  input: z.object({ region: z.string() }).strict(),
  name: (i) => `Report ${i.region}`,
  async run() {
    return null;
  },
});

export interface Rig {
  clock: FakeClock;
  engines: Longrun[];
  stores: Store[];
  /** The first engine: where the test creates schedules and reads jobs. */
  longrun: Longrun;
  /** Moves the clock by `ms` (timers fire), then runs every scheduler's tick at once and waits. */
  advance(ms: number): Promise<void>;
  /** Downtime: stops every engine, sets the clock, starts them again and ticks every scheduler. */
  jumpTo(at: number): Promise<void>;
  /** Every job of the schedule, oldest first. */
  jobsOf(scheduleId: string): Promise<Job[]>;
  close(): Promise<void>;
}

/** Long timers: each advance fires every timer due in it, and the tests tick the schedulers themselves. */
function start(longrun: Longrun): void {
  // No job runs (types: []): the tests look at what the schedulers enqueue and at pending jobs.
  longrun.start({
    types: [],
    reapIntervalMs: 86_400_000,
    pollIntervalMs: 60_000,
    flushIntervalMs: 60_000,
    scheduler: { intervalMs: 30_000 },
  });
}

export async function schedulerRig(
  kind: StoreKind,
  opts: { start: number; engines?: number; jobs?: AnyJobDefinition[] },
): Promise<Rig> {
  const clock = fakeClock(opts.start);
  const tmp = tempDir('longrun-sched-');
  const schema = kind === 'postgres' ? newSchemaName() : null;
  const open = () =>
    schema
      ? createPostgresStore({ connectionString: PG_URL, schema, poolSize: 3, clock })
      : createSqliteStore({ path: join(tmp.dir, 'sched.db'), clock });
  const stores: Store[] = [];
  const engines: Longrun[] = [];
  for (let i = 0; i < (opts.engines ?? 3); i++) {
    const store = await open();
    stores.push(store);
    const longrun = createLongrun({ store, jobs: opts.jobs ?? [reportJob], clock });
    start(longrun);
    engines.push(longrun);
  }
  const tickAll = async () => {
    await Promise.all(engines.map((e) => e.runningScheduler?.idle()));
    await Promise.all(engines.map((e) => e.runningScheduler?.tick()));
    await Promise.all(engines.map((e) => e.runningScheduler?.idle()));
  };
  await tickAll();
  const longrun = engines[0]!;
  return {
    clock,
    engines,
    stores,
    longrun,
    async advance(ms) {
      await turn();
      clock.advance(ms);
      await tickAll();
    },
    async jumpTo(at) {
      await turn();
      // Downtime as it happens: every engine stops, time passes, they start again.
      for (const e of engines) await e.stop({ graceMs: 0 });
      clock.set(at);
      for (const e of engines) start(e);
      await tickAll();
    },
    async jobsOf(scheduleId) {
      const out: Job[] = [];
      let cursor: string | undefined;
      do {
        const page = await longrun.listJobs({ limit: 100, cursor });
        out.push(...page.jobs.filter((j) => j.scheduleId === scheduleId));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return out.reverse();
    },
    async close() {
      for (const e of engines) await e.stop({ graceMs: 0 });
      for (const s of stores) await s.close();
      if (schema) await dropSchema(schema);
      tmp.cleanup();
    },
  };
}

/**
 * One turn of the event loop. Each SQLite store reads through a snapshot that lasts the rest of
 * its turn (read-snapshot.ts), so with three stores in one process a scheduler could still read a
 * schedule as it was before the test's pause committed in that same turn. The tests move time
 * after a turn, as separate processes would see the pause from their next turn on.
 */
const turn = () => new Promise<void>((r) => setImmediate(r));

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
