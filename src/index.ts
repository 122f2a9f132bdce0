/**
 * Longrun's library entry (`import … from 'longrun'`): define job types, open a store, enqueue and
 * run. The HTTP API is `longrun/api`, the typed HTTP client `longrun/client`.
 *
 * ```ts
 * import { createLongrun, createSqliteStore, defineJob, z } from 'longrun';
 *
 * const hello = defineJob({
 *   type: 'demo.hello', category: 'sync',
 *   input: z.strictObject({ names: z.array(z.string()) }),
 *   async run(ctx, input) {
 *     await ctx.each('greet', input.names, { key: (n) => n }, async (n) => ctx.log.info(`hello ${n}`));
 *   },
 * });
 * const longrun = createLongrun({ store: await createSqliteStore({ path: 'data/longrun.db' }), jobs: [hello] });
 * longrun.start({ concurrency: 8 });
 * await longrun.enqueue('demo.hello', { names: ['Ada', 'Grace'] });
 * ```
 */

// One zod for the package and its users: schemas built with it are the ones `defineJob` checks.
export { z } from 'zod';
export { DEFAULT_CATEGORIES } from './core/categories.ts';
export {
  type Clock,
  type ClockTimer,
  type EngineClock,
  type FakeClock,
  fakeClock,
  systemClock,
} from './core/clock.ts';
export {
  ERROR_REGISTRY,
  type ErrorCode,
  type ErrorDetail,
  isLongrunError,
  LongrunError,
} from './core/errors.ts';
export type {
  AttemptRecord,
  ItemRecord,
  ItemStatus,
  Job,
  JobDetail,
  JobError,
  LogEntry,
  LogLevel,
  Progress,
  RetryOnly,
  StepRecord,
} from './core/job.ts';
export {
  CATCH_UP_CAP,
  CATCH_UP_MODES,
  type CatchUpMode,
  OVERLAP_MODES,
  type OverlapMode,
} from './core/schedule.ts';
export { type AttemptOutcome, JOB_STATUSES, type JobStatus } from './core/status.ts';
export type { ConcurrencyOption } from './engine/concurrency.ts';
export {
  type EachOptions,
  type EachResult,
  JobCancelledError,
  type JobContext,
  type JobLogger,
  NonRetryableError,
} from './engine/context.ts';
export type { CodeSchedule } from './engine/define.ts';
export {
  type AnyJobDefinition,
  defineJob,
  type JobDefinition,
  JobRegistry,
  type JobTypeInfo,
  type RetryPolicy,
} from './engine/define.ts';
export type { EnqueueOptions } from './engine/enqueue.ts';
export type { FlowControl, JobTypeState } from './engine/flow.ts';
export { createLongrun, type ListJobsParams, Longrun, type LongrunOptions } from './engine/longrun.ts';
export type { CancelManyOptions, RetryOptions } from './engine/operations.ts';
export type { NewScheduleParams, ScheduleDetail, Schedules, ScheduleUpdate } from './engine/schedules.ts';
export type { WebhookOptions } from './engine/webhook-dispatcher.ts';
export type { CreateWebhookParams, Webhooks, WebhookWithSecret } from './engine/webhooks.ts';
export type { WorkerOptions } from './engine/worker.ts';
export type { CancelManyFilter } from './store/cancel-rules.ts';
export {
  createPostgresStore,
  createSqliteStore,
  DriverMissingError,
  type PostgresStoreOptions,
  type SqliteStoreOptions,
} from './store/open.ts';
export type { ScheduleRecord } from './store/schedule-types.ts';
export type { Store } from './store/types.ts';
export type {
  DeliveryStatus,
  WebhookDelivery,
  WebhookEvent,
  WebhookRecord,
} from './store/webhook-types.ts';
