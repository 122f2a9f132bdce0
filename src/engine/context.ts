/**
 * What a handler sees: `ctx.step`, `ctx.each`, `ctx.progress`, `ctx.log`, `ctx.signal`,
 * `ctx.attempt`. Cancellation is observed between steps and between items: the step or item in
 * flight finishes, nothing new starts, and nothing done is undone.
 */
import type { ItemStatus, LogLevel, StepRecord } from '../core/job.ts';
import type { JobWriteBuffer } from './write-buffer.ts';

/** Thrown inside a handler when the job was cancelled; the worker records the attempt as cancelled. */
export class JobCancelledError extends Error {
  constructor(message = 'job cancelled') {
    super(message);
    this.name = 'JobCancelledError';
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
  // biome-ignore lint/suspicious/noControlCharactersInRegex: escaping control characters is the point.
  const clean = message.replace(/[\u0000-\u0008\u000a-\u001f\u007f\u2028\u2029]/g, (c) =>
    c === '\n' ? '\\n' : c === '\r' ? '\\r' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return clean.length > MAX_LOG_LINE
    ? `${clean.slice(0, MAX_LOG_LINE)}… [truncated ${clean.length - MAX_LOG_LINE} chars]`
    : clean;
}

export interface RunState {
  buffer: JobWriteBuffer;
  controller: AbortController;
  cancelRequested: boolean;
  /** Steps stored by earlier attempts, by name. */
  priorSteps: Map<string, StepRecord>;
  loadItems(step: string): Promise<Map<string, ItemStatus>>;
  /** Writes the buffer now (step boundaries). */
  flush(): Promise<void>;
  now(): number;
}

export function createJobContext(
  job: { id: string; workspaceId: string; attempt: number },
  state: RunState,
): JobContext {
  let currentStep: string | null = null;
  const log = (level: LogLevel) => (message: string) => {
    state.buffer.log({
      level,
      message: sanitizeLogMessage(String(message)),
      step: currentStep,
      timestamp: state.now(),
    });
  };
  const throwIfCancelled = () => {
    if (state.cancelRequested) throw new JobCancelledError();
  };

  const ctx: JobContext = {
    jobId: job.id,
    workspaceId: job.workspaceId,
    attempt: job.attempt,
    signal: state.controller.signal,
    log: { info: log('info'), warn: log('warn'), error: log('error') },
    progress: {
      setTotal: (total) => state.buffer.setTotal(total),
      increment: (d = { completed: 1 }) => state.buffer.addProgress(d.completed ?? 0, d.failed ?? 0),
    },
    get cancelRequested() {
      return state.cancelRequested;
    },

    async step<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
      const prior = state.priorSteps.get(name);
      if (prior?.status === 'completed') return prior.result as T;
      throwIfCancelled();
      currentStep = name;
      state.buffer.step({ name, status: 'running' }, name);
      try {
        const result = await fn();
        state.buffer.step({ name, status: 'completed', result: result ?? null }, null);
        state.priorSteps.set(name, {
          name,
          status: 'completed',
          attempt: job.attempt,
          startedAt: 0,
          completedAt: 0,
          result,
        });
        await state.flush();
        return result;
      } catch (err) {
        state.buffer.step({ name, status: 'failed' }, null);
        throw err;
      } finally {
        currentStep = null;
      }
    },

    async each<T>(
      stepName: string,
      items: readonly T[],
      opts: EachOptions<T>,
      fn: (item: T, index: number) => Promise<unknown>,
    ) {
      const prior = state.priorSteps.get(stepName);
      const result: EachResult = { completed: 0, failed: 0, skipped: 0 };
      if (prior?.status === 'completed') return { ...result, skipped: items.length };
      throwIfCancelled();
      // A step started by an earlier attempt already counted its items into the total.
      const done = prior ? await state.loadItems(stepName) : new Map<string, ItemStatus>();
      if (!prior) state.buffer.addTotal(items.length);
      currentStep = stepName;
      state.buffer.step({ name: stepName, status: 'running' }, stepName);
      let next = 0;
      let stopped = false;
      let tooManyFailures = false;
      const worker = async () => {
        while (!stopped) {
          if (state.cancelRequested) {
            stopped = true;
            return;
          }
          const index = next++;
          if (index >= items.length) return;
          const item = items[index] as T;
          const key = opts.key(item, index);
          const before = done.get(key);
          if (before === 'completed') {
            result.skipped++;
            continue;
          }
          try {
            await fn(item, index);
            result.completed++;
            state.buffer.item({ step: stepName, key, status: 'completed', error: null });
            state.buffer.addProgress(1, before === 'failed' ? -1 : 0);
          } catch (err) {
            result.failed++;
            const message = err instanceof Error ? err.message : String(err);
            state.buffer.item({ step: stepName, key, status: 'failed', error: sanitizeLogMessage(message) });
            if (before !== 'failed') state.buffer.addProgress(0, 1);
            state.buffer.log({
              level: 'error',
              message: sanitizeLogMessage(`item ${key} failed: ${message}`),
              step: stepName,
              timestamp: state.now(),
            });
            if (opts.maxFailures !== undefined && result.failed > opts.maxFailures) {
              tooManyFailures = true;
              stopped = true;
            }
          }
        }
      };
      const lanes = Math.max(1, Math.min(opts.concurrency ?? 1, items.length || 1));
      await Promise.all(Array.from({ length: lanes }, worker));
      currentStep = null;
      if (tooManyFailures) {
        state.buffer.step({ name: stepName, status: 'failed' }, null);
        throw new NonRetryableError(
          `${result.failed} items failed in step ${stepName} (maxFailures ${opts.maxFailures})`,
          'too_many_failures',
        );
      }
      if (state.cancelRequested && result.completed + result.failed + result.skipped < items.length) {
        const notStarted = items.length - result.completed - result.failed - result.skipped;
        state.buffer.log({
          level: 'warn',
          message: `cancelled in step ${stepName}: ${result.completed} items completed and kept, ${result.failed} failed, ${notStarted} not started`,
          step: stepName,
          timestamp: state.now(),
        });
        throw new JobCancelledError();
      }
      state.buffer.step({ name: stepName, status: 'completed', result: { ...result } }, null);
      state.priorSteps.set(stepName, {
        name: stepName,
        status: 'completed',
        attempt: job.attempt,
        startedAt: 0,
        completedAt: 0,
      });
      await state.flush();
      return result;
    },
  };
  return ctx;
}
