/**
 * Retention: deletes finished jobs (with their logs, events, items, steps and attempts) once they
 * have been finished for `maxAgeMs`, and dashboard sessions that can never be used again, in batches of `batchSize` so no transaction holds locks for
 * long, on an interval. Several processes may run it at once; each batch is one atomic delete.
 *
 * ```ts
 * longrun.start({ retentionMs: 30 * 24 * 3600_000 }); // keep finished jobs for 30 days
 * ```
 */

import { type ClockTimer, type EngineClock, systemClock } from '../core/clock.ts';
import { SESSION_IDLE_MS } from '../core/session.ts';
import type { Store } from '../store/types.ts';

export class RetentionSweeper {
  private timer: ClockTimer | null = null;
  private running: Promise<unknown> = Promise.resolve();
  constructor(
    private readonly store: Store,
    private readonly opts: {
      maxAgeMs: number;
      intervalMs?: number;
      batchSize?: number;
      onError?: (err: unknown) => void;
      clock?: EngineClock;
    },
  ) {}

  start(): void {
    const onError = this.opts.onError ?? ((err) => console.error('[longrun retention]', err));
    this.timer = (this.opts.clock ?? systemClock)
      .setInterval(() => {
        this.running = this.sweep().catch(onError);
      }, this.opts.intervalMs ?? 60_000)
      .unref();
  }

  /** Deletes everything past the age limit, a batch at a time; returns how many jobs it deleted. */
  async sweep(): Promise<number> {
    const batch = this.opts.batchSize ?? 500;
    const before = (await this.store.clockNow()) - this.opts.maxAgeMs;
    let total = 0;
    for (;;) {
      const n = await this.store.jobPurge({ before, limit: batch });
      total += n;
      if (n < batch) break;
    }
    // Sessions that can never sign anyone in again (revoked or idle past their lifetime).
    while ((await this.store.sessionPurge({ idleMs: SESSION_IDLE_MS, limit: batch })) === batch);
    return total;
  }

  async stop(): Promise<void> {
    this.timer?.clear();
    this.timer = null;
    await this.running;
  }
}
