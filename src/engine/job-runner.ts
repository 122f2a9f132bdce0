/**
 * Runs one claimed job to the end of its attempt and says how the attempt ended. The pool owns
 * claiming, flushing and finishing; this module owns the handler: context, timeout, cancel, and
 * the classification of what it threw.
 */
import type { ClockTimer, EngineClock } from '../core/clock.ts';
import type { ItemStatus, Job, JobError, StepRecord } from '../core/job.ts';
import type { ClaimedJob, FinishOutcome, Store } from '../store/types.ts';
import {
  createJobContext,
  JobCancelledError,
  type LazyAbort,
  NonRetryableError,
  type RetryScope,
  type RunState,
} from './context.ts';
import { type AnyJobDefinition, retryDelay } from './define.ts';
import type { JobWriteBuffer } from './write-buffer.ts';

/**
 * Why a released attempt ended, in its attempt record. Only the second leaves work to be done
 * again: an item that was running when the pool gave up on it runs again in the next attempt.
 */
export const RELEASED_BETWEEN_ITEMS = 'released at shutdown, between items';
export const RELEASED_IN_FLIGHT = 'released at shutdown with an item in flight';

export interface RunningJob {
  claimed: ClaimedJob;
  def: AnyJobDefinition;
  buffer: JobWriteBuffer;
  abort: LazyAbort;
  cancelRequested: boolean;
  leaseLost: boolean;
  /**
   * Local time by which the lease must have been renewed: the request time of the claim or last
   * successful heartbeat plus the lease length. The store's clock sets the real expiry, which can
   * only be later than this, since the request left before the store stamped it.
   */
  leaseDeadline: number;
  /**
   * Set at shutdown once the grace period is over: the attempt stops between items, like a cancel,
   * and is released with what it finished kept. `forceEnd` releases it if it does not stop in time.
   */
  released: boolean;
  /** Resolves when the attempt is over from the pool's point of view. */
  forceEnd: (reason: 'released' | 'lease_lost') => void;
}

export interface AttemptEnd {
  outcome: FinishOutcome;
  result?: unknown;
  error?: JobError | null;
  retryDelayMs?: number | null;
}

const ITEM_PAGE = 10_000;

async function loadItems(store: Store, jobId: string, step: string): Promise<Map<string, ItemStatus>> {
  const out = new Map<string, ItemStatus>();
  let after: string | undefined;
  for (;;) {
    const page = await store.itemList({ jobId, step, after, limit: ITEM_PAGE });
    for (const it of page) out.set(it.key, it.status);
    const last = page[page.length - 1];
    if (page.length < ITEM_PAGE || !last) return out;
    after = `${last.step}\u0000${last.key}`;
  }
}

/** The run state a job context reads: one object per attempt, its methods on the prototype. */
class AttemptState implements RunState {
  constructor(
    private readonly run: RunningJob,
    private readonly store: Store,
    private readonly deps: AttemptDeps,
    readonly priorSteps: Map<string, StepRecord>,
    readonly retryScope: RetryScope | null,
  ) {}
  get buffer() {
    return this.run.buffer;
  }
  get abort() {
    return this.run.abort;
  }
  get cancelRequested() {
    return this.run.cancelRequested;
  }
  get releaseRequested() {
    return this.run.released;
  }
  loadItems(step: string) {
    return loadItems(this.store, this.run.claimed.job.id, step);
  }
  flush() {
    return this.deps.flush();
  }
  catchUp() {
    this.store.notifications?.catchUp?.();
  }
  get clock() {
    return this.deps.clock;
  }
  now() {
    return this.deps.clock.now();
  }
}

export interface AttemptDeps {
  flush: () => Promise<void>;
  /** Log and step times, and the job's timeout. */
  clock: EngineClock;
}

export function runAttempt(store: Store, run: RunningJob, deps: AttemptDeps): Promise<AttemptEnd> {
  const job = run.claimed.job;
  // Only a later attempt has steps to resume from, and only a partial retry a scope: the usual
  // first attempt reads nothing before its handler starts.
  if (job.attempt === 1 && job.retryOnly === null)
    return startAttempt(run, new AttemptState(run, store, deps, new Map(), null));
  return Promise.all([
    job.attempt === 1 ? [] : store.stepList({ jobId: job.id }),
    loadRetryScope(store, job),
  ]).then(
    ([steps, scope]) =>
      startAttempt(run, new AttemptState(run, store, deps, new Map(steps.map((st) => [st.name, st])), scope)),
    (err) => {
      if (!(err instanceof NonRetryableError)) throw err;
      return { outcome: 'failed', error: { code: err.code, message: err.message }, retryDelayMs: null };
    },
  );
}

/**
 * The retried job's steps, read when a `failed-items` retry's attempt starts (its items per step,
 * when the handler reaches that step). The retried job is terminal, so its record no longer
 * changes; if retention purged it meanwhile, nothing says what to skip, and the job fails rather
 * than silently running everything.
 */
async function loadRetryScope(store: Store, job: Job): Promise<RetryScope | null> {
  if (job.retryOnly !== 'failed-items' || job.retryOf === null) return null;
  const retryOf = job.retryOf;
  const old = await store.jobGet({ workspaceId: job.workspaceId, id: retryOf });
  if (!old)
    throw new NonRetryableError(
      `job ${retryOf}, whose failed items this job retries, no longer exists (purged by retention?)`,
      'retry_source_missing',
    );
  const steps = await store.stepList({ jobId: retryOf });
  return {
    steps: new Map(steps.map((st) => [st.name, st.status])),
    loadItems: (step) => loadItems(store, retryOf, step),
  };
}

function startAttempt(run: RunningJob, state: AttemptState): Promise<AttemptEnd> {
  const { claimed, def } = run;
  const job = claimed.job;
  const priorSteps = state.priorSteps;
  const ctx = createJobContext(job, claimed.lease.token, state);
  if (job.attempt > 1) {
    const kept = [...priorSteps.values()].filter((s) => s.status === 'completed').length;
    ctx.log.info(`attempt ${job.attempt} starting; ${kept} completed steps kept`);
  }
  // One promise settled by whichever comes first: the handler, its timeout, or the pool ending the
  // attempt (shutdown release, lost lease). A handler that ignores its signal runs on, unheard.
  return new Promise<AttemptEnd>((resolve) => {
    let timer: ClockTimer | undefined;
    let settled = false;
    const settle = (end: AttemptEnd) => {
      if (settled) return;
      settled = true;
      timer?.clear();
      resolve(end);
    };
    run.forceEnd = (reason) =>
      settle({
        outcome: 'released',
        error:
          reason === 'released'
            ? { code: 'released', message: RELEASED_IN_FLIGHT }
            : { code: reason, message: reason },
      });
    if (def.timeoutMs) {
      timer = state.clock.setTimeout(() => {
        run.abort.abort(`timed out after ${def.timeoutMs} ms`);
        ctx.log.error(`attempt ${job.attempt} timed out after ${def.timeoutMs} ms`);
        settle({
          outcome: 'timed_out',
          error: { code: 'timed_out', message: `attempt timed out after ${def.timeoutMs} ms` },
          retryDelayMs: retryDelay(def.retry, job.attempt),
        });
      }, def.timeoutMs);
    }
    let handled: Promise<unknown>;
    try {
      handled = def.run(ctx, claimed.input);
    } catch (err) {
      handled = Promise.reject(err);
    }
    handled.then(
      (result) => settle({ outcome: 'completed', result: result ?? null }),
      (err) => settle(classify(err, run, job.attempt, def, (m) => ctx.log.error(m))),
    );
  });
}

function classify(
  err: unknown,
  run: RunningJob,
  attempt: number,
  def: AnyJobDefinition,
  logError: (m: string) => void,
): AttemptEnd {
  const message = err instanceof Error ? err.message : String(err);
  if (run.released && !run.cancelRequested)
    return { outcome: 'released', error: { code: 'released', message: RELEASED_BETWEEN_ITEMS } };
  if (run.cancelRequested || err instanceof JobCancelledError) {
    // The store keeps the job `cancelled`; this outcome only closes the attempt.
    return { outcome: 'failed', error: null, retryDelayMs: null };
  }
  if (err instanceof NonRetryableError) {
    logError(`attempt ${attempt} failed: ${message}`);
    return { outcome: 'failed', error: { code: err.code, message }, retryDelayMs: null };
  }
  logError(`attempt ${attempt} failed: ${message}`);
  return {
    outcome: 'failed',
    error: { code: 'handler_error', message },
    retryDelayMs: retryDelay(def.retry, attempt),
  };
}
