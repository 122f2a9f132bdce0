/**
 * What a handler sees: `ctx.step`, `ctx.each`, `ctx.progress`, `ctx.log`, `ctx.signal`,
 * `ctx.attempt`. Cancellation is observed between steps and between items: the step or item in
 * flight finishes, nothing new starts, and nothing done is undone.
 */

import type { ItemStatus, LogLevel, StepRecord } from '../core/job.ts';
import { escapeControlChars } from '../core/text.ts';
import { type RetryScope, scopeItems } from './retry-scope.ts';
import type { JobWriteBuffer } from './write-buffer.ts';

export type { RetryScope };

/** Thrown inside a handler when the job was cancelled; the worker records the attempt as cancelled. */
export class JobCancelledError extends Error {
  constructor(message = 'job cancelled') {
    super(message);
    this.name = 'JobCancelledError';
  }
}

/** Ends an attempt the pool is releasing at shutdown; the worker records it as `released`. */
export class AttemptReleasedError extends Error {
  constructor() {
    super('released at shutdown');
    this.name = 'AttemptReleasedError';
  }
}

/** Throw from a handler to fail the job without further attempts. */
export class NonRetryableError extends Error {
  constructor(
    message: string,
    readonly code = 'non_retryable',
  ) {
    super(message);
    this.name = 'NonRetryableError';
  }
}

/**
 * Step names and item keys end up in list cursors and query strings (`/items?step=&cursor=`), so
 * they are bounded: 200 characters as the API's `step` filter, 1,000 for a key (an entity id or a
 * URL), which keeps an item cursor well inside a request line.
 */
const MAX_CHARS = { 'step name': 200, 'item key': 1_000 } as const;

/**
 * Step names and item keys are stored as text and come back in item cursors, split at a NUL;
 * PostgreSQL text cannot hold NUL at all. One refuses it on both backends, and a retry would
 * meet the same name, so the job fails at once.
 */
function assertStorable(what: keyof typeof MAX_CHARS, value: string): void {
  if (value.includes('\u0000'))
    throw new NonRetryableError(`${what} must not contain NUL (U+0000)`, 'invalid_name');
  if (value.length > MAX_CHARS[what])
    throw new NonRetryableError(`${what} must be at most ${MAX_CHARS[what]} characters`, 'invalid_name');
}

export interface EachOptions<T> {
  key: (item: T, index: number) => string;
  /** Items processed at once (default 1). */
  concurrency?: number;
  /** Fail the job once more than this many items failed in this step (default: never). */
  maxFailures?: number;
}

export interface JobLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface JobContext {
  readonly jobId: string;
  readonly workspaceId: string;
  readonly attempt: number;
  /** The token of the lease this attempt holds: every write it makes is fenced on it. For audit trails. */
  readonly leaseToken: string;
  readonly signal: AbortSignal;
  readonly log: JobLogger;
  readonly progress: {
    setTotal(total: number): void;
    increment(delta?: { completed?: number; failed?: number }): void;
  };
  step<T>(name: string, fn: () => Promise<T> | T): Promise<T>;
  each<T>(
    stepName: string,
    items: readonly T[],
    opts: EachOptions<T>,
    fn: (item: T, index: number) => Promise<unknown>,
  ): Promise<EachResult>;
  /** True once a cancel was requested; long synchronous handlers may poll it. */
  readonly cancelRequested: boolean;
}

export interface EachResult {
  completed: number;
  failed: number;
  skipped: number;
}

/** Lines are capped (8 KiB) and control characters escaped so a message cannot forge extra lines. */
export const MAX_LOG_LINE = 8 * 1024;

export function sanitizeLogMessage(message: string): string {
  const clean = escapeControlChars(message);
  return clean.length > MAX_LOG_LINE
    ? `${clean.slice(0, MAX_LOG_LINE)}… [truncated ${clean.length - MAX_LOG_LINE} chars]`
    : clean;
}

/** An AbortController made only when a handler reads `ctx.signal`: most attempts never do. */
export class LazyAbort {
  private controller: AbortController | null = null;
  private reason: string | null = null;

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.reason !== null) this.controller.abort(new Error(this.reason));
    }
    return this.controller.signal;
  }

  abort(reason: string): void {
    if (this.reason !== null) return;
    this.reason = reason;
    this.controller?.abort(new Error(reason));
  }
}

export interface RunState {
  buffer: JobWriteBuffer;
  abort: LazyAbort;
  readonly cancelRequested: boolean;
  /** The pool is shutting down and its grace period is over: stop between items, keep what is done. */
  readonly releaseRequested: boolean;
  /** Steps stored by earlier attempts, by name. */
  priorSteps: Map<string, StepRecord>;
  loadItems(step: string): Promise<Map<string, ItemStatus>>;
  /** Writes the buffer now (step boundaries). */
  flush(): Promise<void>;
  /** Hears, before the next item or step starts, of a cancel another process committed. */
  catchUp(): void;
  now(): number;
  /** Set for a `failed-items` retry: what the retried job recorded, which decides the items to run. */
  retryScope: RetryScope | null;
}

class Logger implements JobLogger {
  constructor(private readonly ctx: Context) {}
  info(message: string): void {
    this.ctx.write('info', message);
  }
  warn(message: string): void {
    this.ctx.write('warn', message);
  }
  error(message: string): void {
    this.ctx.write('error', message);
  }
}

class ProgressReporter {
  constructor(private readonly state: RunState) {}
  setTotal(total: number): void {
    this.state.buffer.setTotal(total);
  }
  increment(d: { completed?: number; failed?: number } = { completed: 1 }): void {
    this.state.buffer.addProgress(d.completed ?? 0, d.failed ?? 0);
  }
}

/** A class rather than closures: a pool running thousands of short jobs allocates one object each. */
class Context implements JobContext {
  readonly jobId: string;
  readonly workspaceId: string;
  readonly attempt: number;
  readonly leaseToken: string;
  private logger: JobLogger | null = null;
  private reporter: ProgressReporter | null = null;
  private currentStep: string | null = null;

  constructor(
    job: { id: string; workspaceId: string; attempt: number },
    leaseToken: string,
    private readonly state: RunState,
  ) {
    this.jobId = job.id;
    this.workspaceId = job.workspaceId;
    this.attempt = job.attempt;
    this.leaseToken = leaseToken;
  }

  get log(): JobLogger {
    this.logger ??= new Logger(this);
    return this.logger;
  }

  get progress(): ProgressReporter {
    this.reporter ??= new ProgressReporter(this.state);
    return this.reporter;
  }

  get signal(): AbortSignal {
    return this.state.abort.signal;
  }

  get cancelRequested(): boolean {
    return this.state.cancelRequested;
  }

  write(level: LogLevel, message: string, step = this.currentStep): void {
    this.state.buffer.log({
      level,
      message: sanitizeLogMessage(String(message)),
      step,
      timestamp: this.state.now(),
    });
  }

  private throwIfCancelled(): void {
    this.state.catchUp();
    if (this.state.cancelRequested) throw new JobCancelledError();
    if (this.state.releaseRequested) throw new AttemptReleasedError();
  }

  private remember(name: string, result?: unknown): void {
    const now = this.state.now();
    this.state.priorSteps.set(name, {
      name,
      status: 'completed',
      attempt: this.attempt,
      startedAt: now,
      completedAt: now,
      result,
    });
  }

  async step<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
    assertStorable('step name', name);
    const prior = this.state.priorSteps.get(name);
    if (prior?.status === 'completed') return prior.result as T;
    this.throwIfCancelled();
    const buffer = this.state.buffer;
    this.currentStep = name;
    buffer.step({ name, status: 'running' }, name);
    try {
      const result = await fn();
      buffer.step({ name, status: 'completed', result: result ?? null }, null);
      this.remember(name, result);
      await this.state.flush();
      return result;
    } catch (err) {
      buffer.step({ name, status: 'failed' }, null);
      throw err;
    } finally {
      this.currentStep = null;
    }
  }

  async each<T>(
    stepName: string,
    items: readonly T[],
    opts: EachOptions<T>,
    fn: (item: T, index: number) => Promise<unknown>,
  ): Promise<EachResult> {
    assertStorable('step name', stepName);
    const state = this.state;
    const buffer = state.buffer;
    const prior = state.priorSteps.get(stepName);
    const result: EachResult = { completed: 0, failed: 0, skipped: 0 };
    if (prior?.status === 'completed') return { ...result, skipped: items.length };
    this.throwIfCancelled();
    // A partial retry runs only what the retried job left unfinished (core/retry.ts): the rest is
    // skipped, not recorded, and not counted into the total.
    const scoped = state.retryScope ? await scopeItems(state.retryScope, stepName, items, opts.key) : null;
    const work = scoped ? scoped.items : items;
    result.skipped = items.length - work.length;
    // A step started by an earlier attempt already counted its items into the total.
    const priorItems = prior ? await state.loadItems(stepName) : new Map<string, ItemStatus>();
    if (!prior) buffer.addTotal(work.length);
    this.currentStep = stepName;
    buffer.step({ name: stepName, status: 'running' }, stepName);
    let next = 0;
    let stopped = false;
    let tooManyFailures = false;
    // `concurrency` runners share one cursor over the items.
    const runner = async () => {
      while (!stopped) {
        state.catchUp();
        if (state.cancelRequested || state.releaseRequested) {
          stopped = true;
          return;
        }
        const at = next++;
        if (at >= work.length) return;
        const item = work[at] as T;
        const index = scoped ? (scoped.indexes[at] as number) : at;
        const key = opts.key(item, index);
        assertStorable('item key', key);
        const before = priorItems.get(key);
        if (before === 'completed') {
          result.skipped++;
          continue;
        }
        try {
          await fn(item, index);
          result.completed++;
          buffer.item({ step: stepName, key, status: 'completed', error: null });
          buffer.addProgress(1, before === 'failed' ? -1 : 0);
        } catch (err) {
          // An item interrupted by a cancel (its handler honoured ctx.signal) was not done, nor
          // did it fail: it is left unrecorded and counted as not started. So is one a shutdown
          // interrupted: it runs again in the next attempt.
          if (state.cancelRequested || state.releaseRequested) {
            stopped = true;
            return;
          }
          result.failed++;
          const message = err instanceof Error ? err.message : String(err);
          buffer.item({ step: stepName, key, status: 'failed', error: sanitizeLogMessage(message) });
          if (before !== 'failed') buffer.addProgress(0, 1);
          this.write('error', `item ${key} failed: ${message}`, stepName);
          if (opts.maxFailures !== undefined && result.failed > opts.maxFailures) {
            tooManyFailures = true;
            stopped = true;
          }
        }
      }
    };
    const runners = Math.max(1, Math.min(opts.concurrency ?? 1, work.length || 1));
    await Promise.all(Array.from({ length: runners }, runner));
    this.currentStep = null;
    if (tooManyFailures) {
      buffer.step({ name: stepName, status: 'failed' }, null);
      throw new NonRetryableError(
        `${result.failed} items failed in step ${stepName} (maxFailures ${opts.maxFailures})`,
        'too_many_failures',
      );
    }
    const handled = result.completed + result.failed + result.skipped;
    if (state.releaseRequested && !state.cancelRequested && handled < items.length) {
      this.write(
        'info',
        `released at shutdown in step ${stepName}: ${result.completed} items completed and kept, ${items.length - handled} left for the next attempt`,
        stepName,
      );
      throw new AttemptReleasedError();
    }
    if (state.cancelRequested && handled < items.length) {
      this.write(
        'warn',
        `cancelled in step ${stepName}: ${result.completed} items completed and kept, ${result.failed} failed, ${items.length - handled} not started`,
        stepName,
      );
      throw new JobCancelledError();
    }
    buffer.step({ name: stepName, status: 'completed', result: { ...result } }, null);
    this.remember(stepName);
    await state.flush();
    return result;
  }
}

export function createJobContext(
  job: { id: string; workspaceId: string; attempt: number },
  leaseToken: string,
  state: RunState,
): JobContext {
  return new Context(job, leaseToken, state);
}
