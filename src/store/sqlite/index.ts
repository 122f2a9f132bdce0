/**
 * The embedded SQLite store: one file, shared safely by several processes (WAL, `BEGIN IMMEDIATE`
 * for every write, busy timeout). Events are announced in-process, and to the processes a `relay`
 * connects; any other process sharing the file learns of new work by polling.
 *
 * ```ts
 * const store = await createSqliteStore({ path: './data/longrun.db' });
 * ```
 */
import { EventEmitter } from 'node:events';
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Clock } from '../../core/clock.ts';
import type { SqliteStoreOptions } from '../options.ts';
import type { Store, StoreNotifications, StoreSignal } from '../types.ts';
import { walCheckpointer } from './checkpointer.ts';
import { flushQueuedRows, type SqliteContext } from './context.ts';
import { migrateDatabase, op, openDatabase, StatementCache } from './db.ts';
import * as flow from './flow.ts';
import { foreignCancels } from './foreign-cancels.ts';
import { foreignJobs } from './foreign-jobs.ts';
import * as json from './job-json.ts';
import * as cancelMany from './jobs-cancel-many.ts';
import * as finish from './jobs-finish.ts';
import * as lifecycle from './jobs-lifecycle.ts';
import * as list from './jobs-list.ts';
import * as progress from './jobs-progress.ts';
import * as queue from './jobs-queue.ts';
import * as read from './jobs-read.ts';
import * as keys from './keys.ts';
import { readSnapshots } from './read-snapshot.ts';
import * as schedules from './schedules.ts';
import * as sessions from './sessions.ts';
import * as webhooks from './webhooks.ts';

export type { SqliteStoreOptions } from '../options.ts';

function emitterNotifications(
  emitter: EventEmitter,
  catchUp: () => void,
  foreign: { listen(): () => void },
): StoreNotifications {
  const on = <A extends unknown[]>(name: string, listener: (...args: A) => void) => {
    emitter.on(name, listener as (...args: unknown[]) => void);
    return () => {
      emitter.off(name, listener as (...args: unknown[]) => void);
    };
  };
  return {
    jobsAvailable: (l) => {
      const off = on('jobsAvailable', l);
      const unwatch = foreign.listen();
      return () => {
        off();
        unwatch();
      };
    },
    jobCancelled: (l) => on('jobCancelled', l),
    eventsAdded: (l) => on('eventsAdded', l),
    catchUp,
  };
}

/**
 * The database's clock, as on PostgreSQL: SQLite reads the OS time through its VFS, so a process
 * whose JavaScript clock is wrong (a patched `Date.now`, fake timers) cannot stretch or cut leases.
 * All processes sharing the file share the host's clock. One prepared `SELECT` costs about a
 * microsecond, and a write transaction reads it once.
 */
function sqliteClock(db: ReturnType<typeof openDatabase>): Clock {
  const stmt = db.prepare("SELECT CAST(unixepoch('subsec') * 1000 AS INTEGER)").pluck();
  return { now: () => stmt.get() as number };
}

/**
 * The file holds key hashes, the cursor secret and every workspace's inputs: folders Longrun makes
 * are 0700 and a new database file 0600 (SQLite gives its -wal and -shm files the file's mode).
 * An existing file or folder keeps the mode its owner chose.
 */
function createPrivately(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
}

export async function createSqliteStore(opts: SqliteStoreOptions): Promise<Store> {
  if (opts.path !== ':memory:') createPrivately(opts.path);
  const db = openDatabase(opts.path);
  const clock = opts.clock ?? sqliteClock(db);
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  const relay = opts.relay;
  const emitLocal = (signal: StoreSignal) =>
    signal.name === 'jobCancelled' ? emitter.emit(signal.name, signal.jobId) : emitter.emit(signal.name);
  const announce = (signal: StoreSignal) => {
    emitLocal(signal);
    relay?.publish(signal);
  };
  // What other processes committed reaches this process's listeners only, never back out.
  const unsubscribeRelay = relay?.subscribe(emitLocal) ?? (() => {});
  let writeTransactions = 0;
  const checkpoints = walCheckpointer(db, opts.path);
  const snapshot = readSnapshots(db);
  const ctx: SqliteContext = {
    db,
    sql: new StatementCache(db),
    clock,
    maxLogsPerJob: opts.maxLogsPerJob ?? 10_000,
    pendingEvents: [],
    pendingAttempts: [],
    write<T>(fn: (now: number) => T): T {
      snapshot.end();
      ctx.pendingEvents = [];
      ctx.pendingAttempts = [];
      const result = db
        .transaction(() => {
          const out = fn(clock.now());
          flushQueuedRows(ctx);
          return out;
        })
        .immediate();
      writeTransactions++;
      checkpoints.written();
      return result;
    },
    read: snapshot.read,
    afterCommit: {
      jobsAvailable: () => announce({ name: 'jobsAvailable' }),
      jobCancelled: (jobId) => announce({ name: 'jobCancelled', jobId }),
      eventsAdded: () => announce({ name: 'eventsAdded' }),
    },
  };
  if (opts.migrate !== false) migrateDatabase(db, { now: clock.now() });
  let closed = false;
  const cancels = foreignCancels(db, snapshot.end, (jobId) => emitLocal({ name: 'jobCancelled', jobId }));
  const jobs = foreignJobs(db, opts.path, {
    now: () => clock.now(),
    endSnapshot: snapshot.end,
    emit: () => emitLocal({ name: 'jobsAvailable' }),
  });

  const store: Store = {
    kind: 'sqlite',
    notifications: emitterNotifications(emitter, cancels.look, jobs),
    migrate: op((p) => {
      // Its BEGIN IMMEDIATE would become a savepoint inside an open read snapshot.
      snapshot.end();
      return migrateDatabase(db, { dryRun: p?.dryRun ?? false, now: clock.now() });
    }),
    close: async () => {
      if (closed) return;
      closed = true;
      unsubscribeRelay();
      jobs.close();
      emitter.removeAllListeners();
      snapshot.end();
      await checkpoints.close();
      db.close();
    },
    clockNow: op(() => clock.now()),
    ping: op(() => {
      db.prepare('SELECT 1').get();
    }),
    statsRead: () => ({ writeTransactions }),
    workspaceEnsure: op((p) => keys.workspaceEnsure(ctx, p)),
    jobInsert: op((p) => queue.jobInsert(ctx, p.jobs)),
    jobClaim: op((p) => queue.jobClaim(ctx, p)),
    jobHeartbeat: op((p) => queue.jobHeartbeat(ctx, p)),
    jobWrite: op((p) => progress.jobWrite(ctx, p.writes)),
    jobFinish: op((p) => finish.jobFinish(ctx, p.finishes)),
    jobCancel: op((p) => lifecycle.jobCancel(ctx, p)),
    jobCancelMany: (p) => cancelMany.jobCancelMany(ctx, p),
    leaseReap: op((p) => lifecycle.leaseReap(ctx, p)),
    jobPurge: op((p) => lifecycle.jobPurge(ctx, p)),
    jobGet: op((p) => ctx.read(() => read.jobGet(ctx, p))),
    jobDetailGet: op((p) => read.jobDetailGet(ctx, p)),
    jobDetailJson: op((p) => json.jobDetailJson(ctx, p)),
    jobList: op((p) => list.jobList(ctx, p)),
    jobListJson: op((p) => json.jobListJson(ctx, p)),
    jobCounts: op((p) => ctx.read(() => read.jobCounts(ctx, p))),
    jobTimeseries: op((p) => ctx.read(() => read.jobTimeseries(ctx, p))),
    stepList: op((p) => ctx.read(() => read.stepList(ctx, p))),
    attemptList: op((p) => ctx.read(() => read.attemptList(ctx, p))),
    logList: op((p) => ctx.read(() => read.logList(ctx, p))),
    itemList: op((p) => ctx.read(() => read.itemList(ctx, p))),
    eventList: op((p) => ctx.read(() => read.eventList(ctx, p))),
    eventNewestId: op((p) => ctx.read(() => read.eventNewestId(ctx, p))),
    eventSequenceLast: op(() => ctx.read(() => read.eventSequenceLast(ctx))),
    settingGet: op((p) => ctx.read(() => read.settingGet(ctx, p))),
    jobTypePause: op((p) => flow.jobTypePause(ctx, p)),
    jobTypeResume: op((p) => flow.jobTypeResume(ctx, p)),
    jobTypePauseList: op((p) => ctx.read(() => flow.jobTypePauseList(ctx, p))),
    apiKeyCreate: op((p) => keys.apiKeyCreate(ctx, p)),
    apiKeyFindByHash: op((p) => ctx.read(() => keys.apiKeyFindByHash(ctx, p))),
    apiKeyList: op((p) => ctx.read(() => keys.apiKeyList(ctx, p))),
    apiKeyRevoke: op((p) => keys.apiKeyRevoke(ctx, p)),
    apiKeyTouch: op((p) => keys.apiKeyTouch(ctx, p)),
    sessionCreate: op((p) => sessions.sessionCreate(ctx, p)),
    sessionFind: op((p) => ctx.read(() => sessions.sessionFind(ctx, p))),
    sessionTouch: op((p) => sessions.sessionTouch(ctx, p)),
    sessionRevoke: op((p) => sessions.sessionRevoke(ctx, p)),
    sessionPurge: op((p) => sessions.sessionPurge(ctx, p)),
    webhookCreate: op((p) => webhooks.webhookCreate(ctx, p)),
    webhookList: op((p) => ctx.read(() => webhooks.webhookList(ctx, p))),
    webhookGet: op((p) => ctx.read(() => webhooks.webhookGet(ctx, p))),
    webhookDelete: op((p) => webhooks.webhookDelete(ctx, p)),
    webhookSecretRotate: op((p) => webhooks.webhookSecretRotate(ctx, p)),
    webhookDeliveryList: op((p) => ctx.read(() => webhooks.webhookDeliveryList(ctx, p))),
    webhookDeliveryClaim: op((p) => webhooks.webhookDeliveryClaim(ctx, p)),
    webhookDeliveryRecord: op((p) => webhooks.webhookDeliveryRecord(ctx, p)),
    scheduleCreate: op((p) => schedules.scheduleCreate(ctx, p)),
    scheduleUpsert: op((p) => schedules.scheduleUpsert(ctx, p)),
    scheduleGet: op((p) => ctx.read(() => schedules.scheduleGet(ctx, p))),
    scheduleList: op((p) => ctx.read(() => schedules.scheduleList(ctx, p))),
    scheduleUpdate: op((p) => schedules.scheduleUpdate(ctx, p)),
    scheduleDelete: op((p) => schedules.scheduleDelete(ctx, p)),
    scheduleDue: op((p) => ctx.read(() => schedules.scheduleDue(ctx, p))),
    scheduleAdvance: op((p) => schedules.scheduleAdvance(ctx, p)),
    scheduleActiveJobs: op((p) => ctx.read(() => schedules.scheduleActiveJobs(ctx, p))),
  };
  return store;
}
