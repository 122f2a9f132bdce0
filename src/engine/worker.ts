/**
 * The worker pool: claims jobs in batches under a lease, heartbeats them, runs their handlers, and
 * writes what they report through one serial lane (buffered writes, then finishes, many jobs per
 * transaction). Serialising the lane keeps a job's last progress ahead of its finish on stores
 * whose transactions may commit out of order across connections.
 *
 * ```ts
 * const pool = new WorkerPool(store, registry, { concurrency: 16 });
 * pool.start();
 * await pool.stop({ graceMs: 10_000 });
 * ```
 */
import { type ClockTimer, type EngineClock, systemClock } from '../core/clock.ts';
import { newWorkerId } from '../core/ids.ts';
import type { ClaimedJob, JobFinish, Lease, Store } from '../store/types.ts';
import { ClaimWakes } from './claim-wakes.ts';
import { LazyAbort } from './context.ts';
import type { JobRegistry } from './define.ts';
import { type AttemptEnd, type RunningJob, runAttempt } from './job-runner.ts';
import { JobWriteBuffer } from './write-buffer.ts';

export interface WorkerOptions {
  workerId: string;
  /** Jobs run at once (default 10). */
  concurrency: number;
  /** Lease length; a worker that stops heartbeating loses its jobs this long after (default 30 s). */
  leaseMs: number;
  /**
   * How often the pool claims unprompted (default 500 ms): it finds delayed jobs (`runAt`, a
   * retry's backoff) that came due, and work that no notification announced.
   */
  pollIntervalMs: number;
  /** How often buffered progress and logs are written (default 200 ms). */
  flushIntervalMs: number;
  /** Buffered items + log lines of one job that trigger an early flush (default 5,000). */
  maxBufferedWrites: number;
  /** Largest claim per transaction (default 100). */
  claimBatch: number;
  /** Types to claim (default: all registered). */
  types?: string[];
  reapIntervalMs?: number;
  onError: (err: unknown, where: string) => void;
  /** Called when the store rejected this worker's lease: another attempt owns the job now. */
  onLeaseLost?: (jobId: string) => void;
  /** Every time the pool reads and every timer it sets (default: the system clock). */
  clock: EngineClock;
}

/**
 * After the grace period, how long an attempt gets to stop between items (its item in flight
 * finishing and kept) before it is released regardless: long enough for the short items `ctx.each`
 * is made for, short enough to keep shutdown within what orchestrators wait after SIGTERM.
 */
const RELEASE_WINDOW_MS = 1_000;

const defaults = (o: Partial<WorkerOptions>): WorkerOptions => ({
  workerId: o.workerId ?? newWorkerId(),
  concurrency: o.concurrency ?? 10,
  leaseMs: o.leaseMs ?? 30_000,
  pollIntervalMs: o.pollIntervalMs ?? 500,
  flushIntervalMs: o.flushIntervalMs ?? 200,
  maxBufferedWrites: o.maxBufferedWrites ?? 5_000,
  claimBatch: o.claimBatch ?? 100,
  types: o.types,
  reapIntervalMs: o.reapIntervalMs,
  onError: o.onError ?? ((err, where) => console.error(`[longrun worker] ${where}:`, err)),
  onLeaseLost: o.onLeaseLost,
  clock: o.clock ?? systemClock,
});

export class WorkerPool {
  readonly opts: WorkerOptions;
  private readonly running = new Map<string, RunningJob>();
  /** Cancels heard for jobs not running here (yet), oldest first; see `cancelLocal`. */
  private readonly cancelsHeardEarly = new Set<string>();
  private readonly runPromises = new Set<Promise<void>>();
  private stopping = false;
  private claiming = false;
  private claimAgain = false;
  private readonly wakes: ClaimWakes;
  /** The claim loop in progress: `stop` waits for it, since its claims are committed already. */
  private claimRun: Promise<void> = Promise.resolve();
  private lane: Promise<unknown> = Promise.resolve();
  private flushQueued: Promise<void> | null = null;
  private finishQueue: { finish: JobFinish; done: () => void }[] = [];
  private finishQueued = false;
  private timers: ClockTimer[] = [];
  private unsubscribe: (() => void)[] = [];
  /** Jobs this pool finished, for benchmarks and tests. */
  processed = 0;

  constructor(
    private readonly store: Store,
    private readonly registry: JobRegistry,
    opts: Partial<WorkerOptions> = {},
  ) {
    this.opts = defaults(opts);
    this.wakes = new ClaimWakes(Boolean(store.notifications), () => this.wake('slot'));
  }

  get runningCount(): number {
    return this.running.size;
  }

  start(): void {
    const n = this.store.notifications;
    if (n) {
      this.unsubscribe.push(n.jobsAvailable(() => this.wake('news')));
      this.unsubscribe.push(n.jobCancelled((id) => this.cancelLocal(id)));
    }
    const clock = this.opts.clock;
    this.timers.push(
      clock.setInterval(() => this.wake('news'), this.opts.pollIntervalMs),
      clock.setInterval(() => void this.heartbeat(), Math.max(50, Math.floor(this.opts.leaseMs / 3))),
      // Its own timer: a heartbeat stuck on an unreachable database must not delay the check.
      clock.setInterval(() => this.dropUnrenewed(), Math.max(25, Math.floor(this.opts.leaseMs / 12))),
      clock.setInterval(() => void this.flush(), this.opts.flushIntervalMs),
    );
    for (const t of this.timers) t.unref();
    this.wake('news');
  }

  /**
   * Asks the pool to claim now; calls during a claim make it claim once more afterwards. A `slot`
   * wake (a job of this pool ended) is skipped when nothing was announced since the last claim came
   * back short (claim-wakes.ts); delayed jobs coming due are found by the poll.
   */
  wake(reason: 'news' | 'slot'): void {
    if (this.stopping) return;
    if (reason === 'news') this.wakes.heard();
    else if (this.wakes.nothingNew()) return;
    if (this.claiming) {
      this.claimAgain = true;
      return;
    }
    this.claimRun = this.claimLoop();
  }

  private async claimLoop(): Promise<void> {
    this.claiming = true;
    try {
      do {
        this.claimAgain = false;
        const free = this.opts.concurrency - this.running.size;
        if (free <= 0 || this.stopping) break;
        const limit = Math.min(free, this.opts.claimBatch);
        const startedAt = this.wakes.claimStarted();
        const asked = this.opts.clock.now();
        const limits = this.registry.claimLimits();
        const claimed = await this.store.jobClaim({
          workerId: this.opts.workerId,
          limit,
          types: this.opts.types ?? this.registry.types(),
          leaseMs: this.opts.leaseMs,
          ...(limits.length > 0 ? { limits } : {}),
        });
        for (const c of claimed) this.launch(c, asked + this.opts.leaseMs);
        const full = claimed.length === limit;
        if (full) this.claimAgain = true;
        this.wakes.claimEnded(startedAt, full);
      } while (this.claimAgain && !this.stopping && !this.wakes.nothingNew());
    } catch (err) {
      this.opts.onError(err, 'claim');
    } finally {
      this.claiming = false;
    }
  }

  private launch(claimed: ClaimedJob, leaseDeadline: number): void {
    const def = this.registry.require(claimed.job.type);
    const run: RunningJob = {
      claimed,
      def,
      buffer: new JobWriteBuffer(
        claimed.lease,
        claimed.job.progress.total,
        () => void this.flush(),
        this.opts.maxBufferedWrites,
      ),
      abort: new LazyAbort(),
      cancelRequested:
        claimed.job.status === 'cancelled' || this.cancelsHeardEarly.delete(claimed.lease.jobId),
      leaseLost: false,
      leaseDeadline,
      released: false,
      forceEnd: () => {},
    };
    this.running.set(claimed.lease.jobId, run);
    const p = this.execute(run).finally(() => {
      this.running.delete(claimed.lease.jobId);
      this.runPromises.delete(p);
      this.wakes.slotFreed();
    });
    this.runPromises.add(p);
  }

  private async execute(run: RunningJob): Promise<void> {
    let end: AttemptEnd;
    try {
      end = await runAttempt(this.store, run, { flush: () => this.flush(), clock: this.opts.clock });
    } catch (err) {
      end = { outcome: 'failed', error: { code: 'engine_error', message: String(err) }, retryDelayMs: 1_000 };
    }
    if (run.leaseLost) {
      run.buffer.closed = true;
      return;
    }
    if (run.cancelRequested && !run.released) {
      run.buffer.log({
        level: 'info',
        message: 'stopped after a cancel request; work already done is kept',
        step: null,
        timestamp: this.opts.clock.now(),
      });
    }
    const writes = run.buffer.isEmpty() ? undefined : run.buffer.drain();
    run.buffer.closed = true;
    run.abort.abort('attempt ended');
    const freesSlot = run.def.concurrency !== undefined;
    await this.finish({ lease: run.claimed.lease, ...end, writes, ...(freesSlot ? { freesSlot } : {}) });
    this.processed++;
  }

  private cancelLocal(jobId: string): void {
    const run = this.running.get(jobId);
    if (!run) {
      // A cancel may be heard between a claim's commit and `launch` (a NOTIFY, SQLite's catch-up):
      // kept so `launch` honours it. A cancel is final, so an old entry is never wrong, only unused.
      this.cancelsHeardEarly.add(jobId);
      if (this.cancelsHeardEarly.size > 4_096)
        this.cancelsHeardEarly.delete(this.cancelsHeardEarly.values().next().value as string);
      return;
    }
    if (run.cancelRequested) return;
    run.cancelRequested = true;
    run.abort.abort('job cancelled');
  }

  private loseLease(run: RunningJob): void {
    if (run.leaseLost) return;
    run.leaseLost = true;
    run.cancelRequested = true;
    run.buffer.closed = true;
    run.abort.abort('lease lost');
    run.forceEnd('lease_lost');
    this.opts.onLeaseLost?.(run.claimed.lease.jobId);
  }

  /** Runs `task` after everything already on the lane. */
  private onLane<T>(task: () => Promise<T>): Promise<T> {
    const p = this.lane.then(task, task);
    this.lane = p.catch(() => {});
    return p;
  }

  /** Writes every running job's buffer in one transaction; concurrent callers share one flush. */
  flush(): Promise<void> {
    if (this.flushQueued) return this.flushQueued;
    const queued = this.onLane(async () => {
      this.flushQueued = null;
      this.dropUnrenewed();
      const runs = [...this.running.values()].filter((r) => !r.buffer.closed && !r.buffer.isEmpty());
      if (runs.length === 0) return;
      const writes = runs.map((r) => ({ lease: r.claimed.lease, ...r.buffer.drain() }));
      try {
        const ok = await this.store.jobWrite({ writes });
        ok.forEach((applied, i) => {
          const run = runs[i];
          if (!applied && run) this.loseLease(run);
        });
      } catch (err) {
        writes.forEach((w, i) => {
          runs[i]?.buffer.restore(w);
        });
        this.opts.onError(err, 'flush');
      }
    });
    this.flushQueued = queued;
    return queued;
  }

  private finish(finish: JobFinish): Promise<void> {
    return new Promise((done) => {
      this.finishQueue.push({ finish, done });
      if (this.finishQueued) return;
      this.finishQueued = true;
      void this.onLane(() => this.finishBatch());
    });
  }

  private async finishBatch(): Promise<void> {
    this.finishQueued = false;
    const batch = this.finishQueue;
    this.finishQueue = [];
    for (let attempt = 0; ; attempt++) {
      try {
        await this.store.jobFinish({ finishes: batch.map((b) => b.finish) });
        break;
      } catch (err) {
        this.opts.onError(err, 'finish');
        // Past its lease the reaper recovers the job as a crashed attempt; stop trying by then.
        if (attempt >= 5 || this.stopping) break;
        await new Promise<void>((r) => this.opts.clock.setTimeout(r, 200 * 2 ** attempt));
      }
    }
    for (const b of batch) b.done();
  }

  private async heartbeat(): Promise<void> {
    const runs = [...this.running.values()].filter((r) => !r.leaseLost && !r.buffer.closed);
    if (runs.length === 0) return;
    const leases: Lease[] = runs.map((r) => r.claimed.lease);
    const sent = this.opts.clock.now();
    try {
      const states = await this.store.jobHeartbeat({ leases, leaseMs: this.opts.leaseMs });
      for (const run of runs) {
        const state = states.get(run.claimed.lease.jobId);
        if (state === 'lost') this.loseLease(run);
        else {
          run.leaseDeadline = sent + this.opts.leaseMs;
          if (state === 'cancelled') this.cancelLocal(run.claimed.lease.jobId);
        }
      }
    } catch (err) {
      this.opts.onError(err, 'heartbeat');
    }
    this.dropUnrenewed();
  }

  /**
   * A worker that could not renew a lease (the database is unreachable) stops committing for that
   * job a sixth of the lease before it could expire, so its late writes can never race the attempt
   * that the reaper starts after expiry.
   */
  private dropUnrenewed(): void {
    const cutoff = this.opts.clock.now() + Math.floor(this.opts.leaseMs / 6);
    for (const run of this.running.values()) {
      if (!run.leaseLost && !run.buffer.closed && run.leaseDeadline <= cutoff) {
        this.opts.onError(
          new Error(`lease on job ${run.claimed.lease.jobId} could not be renewed; stopping it`),
          'heartbeat',
        );
        this.loseLease(run);
      }
    }
  }

  /**
   * Stops claiming; waits up to `graceMs` for running jobs, then asks the rest to stop between items
   * and releases them back to pending, their finished items kept.
   */
  async stop(opts: { graceMs?: number } = {}): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    for (const u of this.unsubscribe) u();
    // A claim in flight is committed (or will be): its jobs must be launched and then drained or
    // released like the others, not left running under a lease nobody renews.
    await this.claimRun;
    const grace = opts.graceMs ?? 10_000;
    const all = Promise.all([...this.runPromises]);
    const clock = this.opts.clock;
    let graceTimer: ClockTimer | undefined;
    const graceOver = new Promise<'grace'>((r) => {
      graceTimer = clock.setTimeout(() => r('grace'), grace);
    });
    if ((await Promise.race([all.then(() => 'done' as const), graceOver])) === 'grace') {
      // First ask every attempt to stop between items, so the item in flight finishes and is kept
      // rather than run again; release whatever has not stopped within the window.
      for (const run of this.running.values()) {
        run.released = true;
        run.abort.abort('worker shutting down');
      }
      const windowOver = new Promise<void>((r) => {
        graceTimer?.clear();
        graceTimer = clock.setTimeout(r, RELEASE_WINDOW_MS);
      });
      await Promise.race([Promise.all([...this.runPromises]), windowOver]);
      for (const run of this.running.values()) run.forceEnd('released');
    }
    graceTimer?.clear();
    await Promise.all([...this.runPromises]);
    for (const t of this.timers) t.clear();
    await this.flush();
    await this.lane;
  }
}
