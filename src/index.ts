/** Longrun's library entry: define job types, open a store, enqueue and run. */

export { type Clock, fakeClock, systemClock } from './core/clock.ts';
export { ERROR_REGISTRY, type ErrorCode, LongrunError } from './core/errors.ts';
export type { Job, JobDetail, LogEntry, Progress } from './core/job.ts';
export { type EachOptions, JobCancelledError, type JobContext, NonRetryableError } from './engine/context.ts';
export {
  type AnyJobDefinition,
  defineJob,
  type JobDefinition,
  JobRegistry,
  type RetryPolicy,
} from './engine/define.ts';
export type { EnqueueOptions } from './engine/enqueue.ts';
export { createLongrun, Longrun, type LongrunOptions } from './engine/longrun.ts';
export { createSqliteStore } from './store/sqlite/index.ts';
export type { Store } from './store/types.ts';
