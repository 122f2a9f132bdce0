/**
 * Whether a job can be retried, and how a partial retry picks its items: decided here once for the
 * engine (which creates the retry) and the handler context (which runs it), whatever the store.
 *
 * A retry is a NEW job with the same type and input, linked to the old one by `retryOf`. A full
 * retry runs everything again. A `failed-items` retry reruns only what the old job left unfinished:
 * in a step the old job completed, exactly the items that failed; in a step it did not complete
 * (it failed, was cancelled, or never got there), every item it did not complete. Items it
 * completed never run again.
 *
 * ```ts
 * const refusal = retryRefusal(job, { only: 'failed-items', partialRetry: def.partialRetry === true });
 * if (refusal) throw new LongrunError('job_not_retryable', refusal);
 * runsAgain('completed', 'failed'); // true: a failed item of a completed step
 * runsAgain('completed', undefined); // false: the old step finished without it
 * ```
 */
import type { ItemStatus, RetryOnly, StepStatus } from './job.ts';
import type { JobStatus } from './status.ts';

export const RETRY_ONLY = ['failed-items'] as const satisfies readonly RetryOnly[];

/** The facts of the old job a retry depends on. */
export interface RetryFacts {
  id: string;
  type: string;
  status: JobStatus;
  completedAt: number | null;
  progress: { failed: number };
}

/**
 * Null when the job may be retried this way, else the reason (the 409's message). `registered`:
 * whether this process knows the type; `partialRetry`: whether the type opted in (`defineJob`).
 */
export function retryRefusal(
  job: RetryFacts,
  opts: { only?: RetryOnly; registered: boolean; partialRetry: boolean },
): string | null {
  if (!opts.registered) return `job type ${job.type} is not registered on this server`;
  if (job.status === 'pending' || job.status === 'running')
    return `job ${job.id} is ${job.status}: only failed, cancelled, or completed jobs with failed items can be retried`;
  if (job.status === 'completed' && job.progress.failed === 0)
    return `job ${job.id} completed without failed items: there is nothing to retry`;
  // A running job that was cancelled may still be finishing its item in flight; until its worker
  // stops (completedAt), what it left unfinished is not known, and a retry would run beside it.
  if (job.status === 'cancelled' && job.completedAt === null)
    return `job ${job.id} was cancelled and its worker has not stopped yet: retry once it has (completedAt is set)`;
  if (opts.only === 'failed-items' && !opts.partialRetry)
    return `partial retry is not supported by job type ${job.type} (its definition does not set partialRetry: true)`;
  return null;
}

/**
 * Whether a `failed-items` retry runs an item, from what the old job recorded: the status of the
 * step (undefined when it never started it) and of the item (undefined when it never recorded it).
 */
export function runsAgain(oldStep: StepStatus | undefined, oldItem: ItemStatus | undefined): boolean {
  if (oldStep === 'completed') return oldItem === 'failed';
  return oldItem !== 'completed';
}
