/**
 * The lease reaper: every `intervalMs` it recovers jobs whose lease expired (their worker crashed,
 * froze or lost the database) as a new attempt that resumes after the last completed step, or
 * fails them once they used `maxAttempts`. Several reapers may run at once: the store's claim on
 * each expired row is atomic, so a job is recovered once.
 */
import { type ClockTimer, type EngineClock, systemClock } from '../core/clock.ts';
import type { Store } from '../store/types.ts';
import { retryDelay } from './define.ts';

export class LeaseReaper {
  private timer: ClockTimer | null = null;
  private running: Promise<unknown> = Promise.resolve();
  private readonly intervalMs: number;
  private readonly clock: EngineClock;

  constructor(
    private readonly store: Store,
    opts: { intervalMs?: number | undefined; onError?: (err: unknown) => void; clock?: EngineClock } = {},
  ) {
    this.intervalMs = opts.intervalMs ?? 1_000;
    this.clock = opts.clock ?? systemClock;
    this.onError = opts.onError ?? ((err) => console.error('[longrun reaper]', err));
  }

  private readonly onError: (err: unknown) => void;

  start(): void {
    this.timer = this.clock
      .setInterval(() => {
        this.running = this.sweep().catch(this.onError);
      }, this.intervalMs)
      .unref();
  }

  /**
   * One pass; returns how many jobs it recovered. A crash is the worker's fault, not the job's, so
   * the first recovery runs at once; repeated crashes (a job that kills its worker) back off.
   */
  async sweep(): Promise<number> {
    let total = 0;
    for (;;) {
      const reaped = await this.store.leaseReap({
        limit: 500,
        retryDelayMs: (attempt) => (attempt <= 1 ? 0 : Math.min(retryDelay(undefined, attempt - 1), 30_000)),
      });
      total += reaped.length;
      if (reaped.length < 500) break;
    }
    return total;
  }

  async stop(): Promise<void> {
    this.timer?.clear();
    this.timer = null;
    await this.running;
  }
}
