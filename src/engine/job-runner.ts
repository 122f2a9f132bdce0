/**
 * Runs one claimed job to the end of its attempt and says how the attempt ended. The pool owns
 * claiming, flushing and finishing; this module owns the handler: context, timeout, cancel, and
 * the classification of what it threw.
 */
import type { ItemStatus, JobError } from '../core/job.ts';
import type { ClaimedJob, FinishOutcome, Store } from '../store/types.ts';
import { createJobContext, JobCancelledError, NonRetryableError, type RunState } from './context.ts';
import { type AnyJobDefinition, retryDelay } from './define.ts';
import type { JobWriteBuffer } from './write-buffer.ts';

export interface RunningJob {
  claimed: ClaimedJob;
  def: AnyJobDefinition;
  buffer: JobWriteBuffer;
  controller: AbortController;
  cancelRequested: boolean;
  leaseLost: boolean;
  /** Set when the pool ends the attempt without the handler (shutdown release). */
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

export async function runAttempt(
  store: Store,
  run: RunningJob,
  deps: { flush: () => Promise<void>; now: () => number },
): Promise<AttemptEnd> {
  const { claimed, def } = run;
  const job = claimed.job;
  const priorSteps = new Map(
    (job.attempt > 1 ? await store.stepList({ jobId: job.id }) : []).map((s) => [s.name, s]),
  );
  const state: RunState = {
    buffer: run.buffer,
    controller: run.controller,
    get cancelRequested() {
      return run.cancelRequested;
    },
    priorSteps,
    loadItems: (step) => loadItems(store, job.id, step),
    flush: deps.flush,
    now: deps.now,
  };
  const ctx = createJobContext(job, state);
  if (job.attempt > 1)
    ctx.log.info(
      `attempt ${job.attempt} starting; ${[...priorSteps.values()].filter((s) => s.status === 'completed').length} completed steps kept`,
    );

  let timer: NodeJS.Timeout | undefined;
  const ended = new Promise<AttemptEnd>((resolve) => {
    run.forceEnd = (reason) => resolve({ outcome: 'released', error: { code: reason, message: reason } });
    if (def.timeoutMs) {
      timer = setTimeout(() => {
        run.controller.abort(new Error(`timed out after ${def.timeoutMs} ms`));
        ctx.log.error(`attempt ${job.attempt} timed out after ${def.timeoutMs} ms`);
        resolve({
          outcome: 'timed_out',
          error: { code: 'timed_out', message: `attempt timed out after ${def.timeoutMs} ms` },
          retryDelayMs: retryDelay(def.retry, job.attempt),
        });
      }, def.timeoutMs);
    }
  });
  const handled = (async (): Promise<AttemptEnd> => {
    try {
      const result = await def.run(ctx, claimed.input);
      return { outcome: 'completed', result: result ?? null };
    } catch (err) {
      return classify(err, run, job.attempt, def, ctx.log.error);
    }
  })();
  try {
    return await Promise.race([handled, ended]);
  } finally {
    clearTimeout(timer);
  }
}

function classify(
  err: unknown,
  run: RunningJob,
  attempt: number,
  def: AnyJobDefinition,
  logError: (m: string) => void,
): AttemptEnd {
  const message = err instanceof Error ? err.message : String(err);
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
