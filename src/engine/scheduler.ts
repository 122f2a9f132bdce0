/**
 * The scheduler loop: every engine that `start()`s runs one (worker and serve processes alike), for
 * the job types it has registered. Each tick asks the store for schedules whose cursor (the next
 * unprocessed fire time) is due by the DATABASE clock, plans the fires (core/schedule.ts: catch-up),
 * applies `overlap`, enqueues each fire with the idempotency key `schedule:<id>:<fire time>`, and
 * moves the cursor by compare-and-set. Any number of schedulers may race: the key makes a fire
 * enqueue once, the compare-and-set makes one of them move the cursor; a scheduler that dies between
 * the two leaves the cursor where it was, and the next tick (anyone's) re-enqueues into the same key.
 *
 * ```ts
 * const scheduler = new Scheduler(store, registry, { clock: fakeClock(T0), intervalMs: 1_000 });
 * scheduler.start();
 * await scheduler.tick(); // what the timer does
 * ```
 */
import { type ClockTimer, type EngineClock, systemClock } from '../core/clock.ts';
import { isLongrunError } from '../core/errors.ts';
import { fireKey, type ParsedCron, parseCron, planFires } from '../core/schedule.ts';
import type { ScheduleRecord } from '../store/schedule-types.ts';
import type { Store } from '../store/types.ts';
import type { JobRegistry } from './define.ts';
import { buildNewJob } from './enqueue.ts';

export interface SchedulerOptions {
  clock?: EngineClock;
  /** How often to look for due schedules (default 1,000 ms): the most a fire runs late. */
  intervalMs?: number;
  /** Due schedules handled per tick (default 100); the rest wait for the next tick. */
  batchSize?: number;
  onError?: (err: unknown) => void;
  /** Runs before the first tick (the code schedules' upsert). */
  before?: () => Promise<void>;
}

export class Scheduler {
  private timer: ClockTimer | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private readonly clock: EngineClock;
  private readonly onError: (err: unknown) => void;
  private ready: Promise<void> = Promise.resolve();
  /** Parsed expressions by cron + zone: croner's parse is not free and a schedule fires often. */
  private readonly crons = new Map<string, ParsedCron>();

  constructor(
    private readonly store: Store,
    private readonly registry: JobRegistry,
    private readonly opts: SchedulerOptions = {},
  ) {
    this.clock = opts.clock ?? systemClock;
    this.onError = opts.onError ?? ((err) => console.error('[longrun scheduler]', err));
  }

  start(): void {
    if (this.timer) return;
    this.ready = (this.opts.before?.() ?? Promise.resolve()).catch(this.onError);
    this.timer = this.clock.setInterval(() => this.kick(), this.opts.intervalMs ?? 1_000).unref();
    this.kick();
  }

  /** One tick at a time: a slow store makes ticks skip, not pile up. */
  private kick(): void {
    if (this.running || this.stopped) return;
    this.running = this.ready
      .then(async () => {
        await this.tick();
      })
      .catch(this.onError)
      .finally(() => {
        this.running = null;
      });
  }

  /** Handles every schedule due now; returns how many jobs it enqueued. */
  async tick(): Promise<number> {
    const types = this.registry.types();
    if (types.length === 0) return 0;
    const now = await this.store.clockNow();
    const due = await this.store.scheduleDue({ now, types, limit: this.opts.batchSize ?? 100 });
    let enqueued = 0;
    for (const s of due) {
      if (this.stopped) break;
      try {
        enqueued += await this.fire(s, now);
      } catch (err) {
        this.onError(err);
      }
    }
    return enqueued;
  }

  private async fire(s: ScheduleRecord, now: number): Promise<number> {
    const from = s.nextFireAt;
    if (from === null) return 0;
    const plan = planFires({ cron: this.cron(s), cursor: from, now, catchUp: s.catchUp });
    let last: { at: number; jobId: string } | null = null;
    let enqueued = 0;
    for (const at of plan.fires) {
      const jobId = await this.fireOnce(s, at, from);
      if (jobId === null) continue;
      last = { at, jobId };
      enqueued++;
    }
    await this.store.scheduleAdvance({ id: s.id, from, to: plan.next, lastFire: last });
    return enqueued;
  }

  /** The fire's job id, or null when `overlap` skipped it (or its input no longer validates). */
  private async fireOnce(s: ScheduleRecord, at: number, from: number): Promise<string | null> {
    const key = fireKey(s.id, at);
    if (s.overlap !== 'allow') {
      const active = await this.store.scheduleActiveJobs({
        workspaceId: s.workspaceId,
        scheduleId: s.id,
        exceptKey: key,
      });
      if (active.length > 0) {
        if (s.overlap === 'skip') return null;
        // A scheduler that read the schedule long ago must not cancel what a newer fire started.
        const current = await this.store.scheduleGet({ workspaceId: s.workspaceId, id: s.id });
        if (current?.nextFireAt !== from) return null;
        for (const id of active) await this.cancelQuietly(s, id);
      }
    }
    let row: ReturnType<typeof buildNewJob>;
    try {
      row = buildNewJob(
        this.registry,
        s.type,
        s.input,
        // runAt is the fire time: claims take the oldest fire first, and the job records when it was due.
        {
          workspaceId: s.workspaceId,
          idempotencyKey: key,
          scheduleId: s.id,
          runAt: at,
          ...(s.name ? { name: s.name } : {}),
        },
        this.clock.now(),
      );
    } catch (err) {
      // The type's schema changed under a stored input: that fire cannot run; say so, move on.
      this.onError(err);
      return null;
    }
    const [res] = await this.store.jobInsert({ jobs: [row] });
    return res?.id ?? null;
  }

  private async cancelQuietly(s: ScheduleRecord, id: string): Promise<void> {
    try {
      await this.store.jobCancel({ workspaceId: s.workspaceId, id, by: `schedule ${s.id}` });
    } catch (err) {
      // It finished meanwhile: nothing to cancel.
      if (!isLongrunError(err, 'job_not_cancellable') && !isLongrunError(err, 'not_found')) throw err;
    }
  }

  private cron(s: ScheduleRecord): ParsedCron {
    const k = `${s.timezone} ${s.cron}`;
    let cron = this.crons.get(k);
    if (!cron) {
      if (this.crons.size > 1_000) this.crons.clear();
      cron = parseCron(s);
      this.crons.set(k, cron);
    }
    return cron;
  }

  /** Resolves when the tick its timer started (if any) is over. */
  async idle(): Promise<void> {
    await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.clear();
    this.timer = null;
    await this.running;
  }
}
