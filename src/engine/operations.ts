/**
 * Operations on existing jobs beyond a single cancel: retry (a new job linked to the old one) and
 * bulk cancel. `Longrun.retry` and `Longrun.cancelMany` call these; the decisions live in
 * core/retry.ts and store/cancel-rules.ts.
 *
 * ```ts
 * const { job } = await longrun.retry(failedId, { only: 'failed-items' });
 * job.retryOf; // failedId
 * await longrun.cancelMany({ filter: { statuses: ['pending'], types: ['sync.pull'] } }); // { cancelled, more }
 * ```
 */
import { LongrunError } from '../core/errors.ts';
import type { Job, RetryOnly } from '../core/job.ts';
import { retryRefusal } from '../core/retry.ts';
import type { CancelManyFilter } from '../store/cancel-rules.ts';
import type { Store } from '../store/types.ts';
import type { JobRegistry } from './define.ts';
import { buildNewJob, requestHash } from './enqueue.ts';

export interface RetryOptions {
  workspaceId: string;
  /** `failed-items`: rerun only what the old job left unfinished; absent: rerun everything. */
  only?: RetryOnly;
  /** As on create: the same key and request return the first retry instead of a second one. */
  idempotencyKey?: string;
}

/** Creates the retry of job `id`: same type, input, name, priority and maxAttempts; due now. */
export async function retryJob(
  store: Store,
  registry: JobRegistry,
  now: number,
  id: string,
  opts: RetryOptions,
): Promise<{ job: Job; created: boolean }> {
  const found = await store.jobGet({ workspaceId: opts.workspaceId, id });
  if (!found) throw new LongrunError('not_found', `job ${id} not found`);
  const old = found.job;
  const def = registry.get(old.type);
  const refusal = retryRefusal(old, {
    only: opts.only,
    registered: def !== undefined,
    partialRetry: def?.partialRetry === true,
  });
  if (refusal)
    throw new LongrunError('job_not_retryable', refusal, {
      details: [{ message: refusal, status: old.status }],
    });
  const row = buildNewJob(
    registry,
    old.type,
    found.input,
    {
      workspaceId: opts.workspaceId,
      name: old.name,
      priority: old.priority,
      maxAttempts: old.maxAttempts,
      idempotencyKey: opts.idempotencyKey,
    },
    now,
  );
  row.retryOf = old.id;
  row.retryOnly = opts.only ?? null;
  if (row.idempotencyKey !== null) row.requestHash = requestHash({ retryOf: old.id, only: row.retryOnly });
  const [res] = await store.jobInsert({ jobs: [row] });
  if (!res) throw new LongrunError('internal', 'the store returned no insert result');
  if (!res.created && !res.sameRequest)
    throw new LongrunError(
      'idempotency_conflict',
      `Idempotency-Key "${opts.idempotencyKey}" was used with another request`,
      { details: [{ message: 'the original job', jobId: res.id }] },
    );
  const made = await store.jobGet({ workspaceId: opts.workspaceId, id: res.id });
  if (!made) throw new LongrunError('internal', `job ${res.id} vanished after insert`);
  return { job: made.job, created: res.created };
}

export interface CancelManyOptions {
  workspaceId: string;
  filter: CancelManyFilter;
  /** At most 10,000 (the default). */
  limit?: number;
  /** Who asked: kept as each job's `cancelledBy`. */
  by?: string;
}

export function cancelJobs(
  store: Store,
  opts: CancelManyOptions,
): Promise<{ cancelled: number; more: boolean }> {
  return store.jobCancelMany(opts);
}
