/**
 * The PostgreSQL store: any number of API and worker processes on any number of machines share one
 * database (one schema). Claims use FOR UPDATE SKIP LOCKED, every batch is one transaction, the
 * database clock decides every lease and schedule (unless a clock is injected, for tests), and
 * LISTEN/NOTIFY tells other processes about new work, cancels and events.
 *
 * ```ts
 * const store = await createPostgresStore({ connectionString: 'postgres://postgres@127.0.0.1/longrun' });
 * ```
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { PostgresStoreOptions } from '../options.ts';
import type { Store, StoreNotifications } from '../types.ts';
import { CLOCK_SQL, type LocalEmit, type PgContext, read } from './context.ts';
import {
  clientConfig,
  createPool,
  eventLockNamespace,
  mapError,
  migrateSchema,
  validateSchema,
} from './db.ts';
import * as flow from './flow.ts';
import * as cancelMany from './jobs-cancel-many.ts';
import * as finish from './jobs-finish.ts';
import * as lifecycle from './jobs-lifecycle.ts';
import * as list from './jobs-list.ts';
import * as progress from './jobs-progress.ts';
import * as queue from './jobs-queue.ts';
import * as readOps from './jobs-read.ts';
import * as keys from './keys.ts';
import { PgListener } from './notify.ts';
import * as schedules from './schedules.ts';
import * as sessions from './sessions.ts';
import * as webhooks from './webhooks.ts';

export type { PostgresStoreOptions } from '../options.ts';

export async function createPostgresStore(opts: PostgresStoreOptions): Promise<Store> {
  const schema = validateSchema(opts.schema ?? 'public');
  const pool = createPool(opts.connectionString, schema, opts.poolSize ?? 10);
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  const local: LocalEmit = {
    jobsAvailable: () => emitter.emit('jobsAvailable'),
    jobCancelled: (id) => emitter.emit('jobCancelled', id),
    eventsAdded: () => emitter.emit('eventsAdded'),
  };
  const prefix = `lr_${schema.slice(0, 48)}`;
  const ctx: PgContext = {
    pool,
    schema,
    clock: opts.clock ?? null,
    maxLogsPerJob: opts.maxLogsPerJob ?? 10_000,
    claimCommit: opts.claimCommit ?? 'async',
    instanceId: randomBytes(6).toString('hex'),
    channels: { jobs: `${prefix}_jobs`, cancel: `${prefix}_cancel`, events: `${prefix}_events` },
    eventLock: [eventLockNamespace(schema), 'job_events_id_seq'],
    horizon: { running: null, next: null },
    notifyState: { jobs: { busy: false, again: false }, events: { busy: false, again: false } },
    closed: false,
    stats: { writeTransactions: 0 },
    local,
  };
  const listener = new PgListener({
    config: clientConfig(opts.connectionString, schema),
    channels: ctx.channels,
    instanceId: ctx.instanceId,
    emit: local,
  });
  const now = () => ctx.clock?.now() ?? null;
  try {
    if (opts.migrate !== false) await migrateSchema(pool, schema, { now: now() });
  } catch (err) {
    await pool.end().catch(() => {});
    throw err;
  }

  const on = <A extends unknown[]>(name: string, fn: (...args: A) => void) => {
    listener.start();
    emitter.on(name, fn as (...args: unknown[]) => void);
    return () => {
      emitter.off(name, fn as (...args: unknown[]) => void);
    };
  };
  const notifications: StoreNotifications = {
    jobsAvailable: (l) => on('jobsAvailable', l),
    jobCancelled: (l) => on('jobCancelled', l),
    eventsAdded: (l) => on('eventsAdded', l),
  };
  let closed = false;

  return {
    kind: 'postgres',
    notifications,
    migrate: (p) => migrateSchema(pool, schema, { dryRun: p?.dryRun ?? false, now: now() }),
    close: async () => {
      if (closed) return;
      closed = true;
      ctx.closed = true;
      emitter.removeAllListeners();
      await listener.stop();
      await pool.end();
    },
    clockNow: async () => {
      if (ctx.clock) return ctx.clock.now();
      const [row] = await read(ctx, { text: `SELECT ${CLOCK_SQL} AS now`, values: [] });
      return Number(row?.now);
    },
    ping: async () => {
      await read(ctx, { text: 'SELECT 1', values: [] });
    },
    statsRead: () => ({ writeTransactions: ctx.stats.writeTransactions }),
    workspaceEnsure: (p) => keys.workspaceEnsure(ctx, p),
    jobInsert: (p) => queue.jobInsert(ctx, p.jobs),
    jobClaim: (p) => queue.jobClaim(ctx, p),
    jobHeartbeat: (p) => queue.jobHeartbeat(ctx, p),
    jobWrite: (p) => progress.jobWrite(ctx, p.writes),
    jobFinish: (p) => finish.jobFinish(ctx, p.finishes),
    jobCancel: (p) => lifecycle.jobCancel(ctx, p),
    jobCancelMany: (p) => cancelMany.jobCancelMany(ctx, p),
    leaseReap: (p) => lifecycle.leaseReap(ctx, p),
    jobPurge: (p) => lifecycle.jobPurge(ctx, p),
    jobGet: (p) => readOps.jobGet(ctx, p),
    jobDetailGet: (p) => readOps.jobDetailGet(ctx, p),
    jobDetailJson: (p) => readOps.jobDetailJson(ctx, p),
    jobList: (p) => list.jobList(ctx, p),
    jobListJson: (p) => list.jobListJson(ctx, p),
    jobCounts: (p) => readOps.jobCounts(ctx, p),
    jobTimeseries: (p) => readOps.jobTimeseries(ctx, p),
    stepList: (p) => readOps.stepList(ctx, p),
    attemptList: (p) => readOps.attemptList(ctx, p),
    logList: (p) => readOps.logList(ctx, p),
    itemList: (p) => readOps.itemList(ctx, p),
    eventList: (p) => readOps.eventList(ctx, p),
    eventNewestId: (p) => readOps.eventNewestId(ctx, p),
    eventSequenceLast: () => readOps.eventSequenceLast(ctx),
    settingGet: (p) => readOps.settingGet(ctx, p),
    jobTypePause: (p) => flow.jobTypePause(ctx, p),
    jobTypeResume: (p) => flow.jobTypeResume(ctx, p),
    jobTypePauseList: (p) => flow.jobTypePauseList(ctx, p),
    apiKeyCreate: (p) => keys.apiKeyCreate(ctx, p),
    apiKeyFindByHash: (p) => keys.apiKeyFindByHash(ctx, p),
    apiKeyList: (p) => keys.apiKeyList(ctx, p),
    apiKeyRevoke: (p) => keys.apiKeyRevoke(ctx, p),
    apiKeyTouch: (p) => keys.apiKeyTouch(ctx, p),
    sessionCreate: (p) => sessions.sessionCreate(ctx, p),
    sessionFind: (p) => sessions.sessionFind(ctx, p),
    sessionTouch: (p) => sessions.sessionTouch(ctx, p),
    sessionRevoke: (p) => sessions.sessionRevoke(ctx, p),
    sessionPurge: (p) => sessions.sessionPurge(ctx, p),
    webhookCreate: (p) => webhooks.webhookCreate(ctx, p),
    webhookList: (p) => webhooks.webhookList(ctx, p),
    webhookGet: (p) => webhooks.webhookGet(ctx, p),
    webhookDelete: (p) => webhooks.webhookDelete(ctx, p),
    webhookSecretRotate: (p) => webhooks.webhookSecretRotate(ctx, p),
    webhookDeliveryList: (p) => webhooks.webhookDeliveryList(ctx, p),
    webhookDeliveryClaim: (p) => webhooks.webhookDeliveryClaim(ctx, p),
    webhookDeliveryRecord: (p) => webhooks.webhookDeliveryRecord(ctx, p),
    scheduleCreate: (p) => schedules.scheduleCreate(ctx, p),
    scheduleUpsert: (p) => schedules.scheduleUpsert(ctx, p),
    scheduleGet: (p) => schedules.scheduleGet(ctx, p),
    scheduleList: (p) => schedules.scheduleList(ctx, p),
    scheduleUpdate: (p) => schedules.scheduleUpdate(ctx, p),
    scheduleDelete: (p) => schedules.scheduleDelete(ctx, p),
    scheduleDue: (p) => schedules.scheduleDue(ctx, p),
    scheduleAdvance: (p) => schedules.scheduleAdvance(ctx, p),
    scheduleActiveJobs: (p) => schedules.scheduleActiveJobs(ctx, p),
  };
}

export { mapError };
