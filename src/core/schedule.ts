/**
 * Schedules: the rules both stores, the engine and the API share. Fire times come from `croner`
 * (a cron library with IANA time zones through Intl); this module never parses cron itself. It
 * decides which fire times are due at a moment (`planFires`), which is what makes catch-up after
 * downtime the same in every scheduler process.
 *
 * ```ts
 * const cron = parseCron({ cron: '30 2 * * *', timezone: 'Europe/Berlin' }); // throws invalid_input
 * nextFireTimes(cron, Date.now(), 5); // the next five fire times, ms epoch
 * planFires({ cron, cursor, now, catchUp: 'latest' }); // { fires: [...], next }
 * ```
 */
import { Cron } from 'croner';
import { LongrunError } from './errors.ts';

export const OVERLAP_MODES = ['skip', 'allow', 'cancel-previous'] as const;
export const CATCH_UP_MODES = ['none', 'latest', 'all'] as const;
export type OverlapMode = (typeof OVERLAP_MODES)[number];
export type CatchUpMode = (typeof CATCH_UP_MODES)[number];

/**
 * A fire seen within this long after its time is on time, not missed: the scheduler polls about
 * once a second, a process may pause for GC or a deploy, and `catchUp: "none"` must still run the
 * 02:30 fire it saw at 02:30:04.
 */
export const FIRE_GRACE_MS = 60_000;
/** `catchUp: "all"` enqueues at most this many missed fires (the newest); older ones are dropped. */
export const CATCH_UP_CAP = 100;

export interface ScheduleTiming {
  cron: string;
  timezone: string;
}

/** A parsed cron expression in its time zone. */
export type ParsedCron = Cron;

/**
 * Five fields (minute hour day-of-month month day-of-week) only: a minute is the finest grain a
 * polled scheduler keeps honestly, and croner's date-string and seconds forms are refused.
 */
export function parseCron(t: ScheduleTiming, paths = { cron: 'cron', timezone: 'timezone' }): ParsedCron {
  const bad = (path: string, message: string) =>
    new LongrunError('invalid_input', `${path}: ${message}`, { details: [{ path, message }] });
  if (!isTimeZone(t.timezone)) throw bad(paths.timezone, `unknown IANA time zone "${t.timezone}"`);
  const fields = t.cron.trim().split(/\s+/);
  if (fields.length !== 5 || t.cron.includes(':'))
    throw bad(paths.cron, 'must have five fields: minute hour day-of-month month day-of-week');
  let cron: Cron;
  try {
    cron = new Cron(fields.join(' '), { timezone: t.timezone, paused: true, mode: '5-part' });
  } catch (err) {
    throw bad(paths.cron, err instanceof Error ? err.message.replace(/^CronPattern: /, '') : String(err));
  }
  if (cron.nextRun() === null) throw bad(paths.cron, 'never fires');
  return cron;
}

function isTimeZone(tz: string): boolean {
  if (tz.length === 0 || tz.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The expression as stored: fields separated by one space. */
export function normalizeCron(cron: string): string {
  return cron.trim().split(/\s+/).join(' ');
}

/** The first fire time strictly after `after`, or null when the expression never fires again. */
export function nextFireTime(cron: ParsedCron, after: number): number | null {
  return cron.nextRun(new Date(after))?.getTime() ?? null;
}

/** The next `n` fire times strictly after `after`, ascending. */
export function nextFireTimes(cron: ParsedCron, after: number, n: number): number[] {
  return cron.nextRuns(n, new Date(after)).map((d) => d.getTime());
}

export interface FirePlan {
  /** Fire times to enqueue now, oldest first. */
  fires: number[];
  /** Fire times that were due but are dropped by the catch-up mode. */
  dropped: number;
  /** The new cursor: the first fire time after `now` (null: never again). */
  next: number | null;
}

/**
 * What is due at `now` for a schedule whose next unprocessed fire time is `cursor`: fire times in
 * [cursor, now]. Those within `FIRE_GRACE_MS` of now are on time and always enqueued; older ones
 * were missed (the schedulers were down) and `catchUp` decides: `none` drops them, `latest` keeps
 * the newest when nothing is on time, `all` keeps up to `CATCH_UP_CAP` of them, newest first.
 */
export function planFires(p: {
  cron: ParsedCron;
  cursor: number;
  now: number;
  catchUp: CatchUpMode;
}): FirePlan {
  const next = nextFireTime(p.cron, p.now);
  if (p.cursor > p.now) return { fires: [], dropped: 0, next: Math.min(p.cursor, next ?? p.cursor) };
  const due = dueFires(p.cron, p.cursor, p.now);
  const onTimeFrom = p.now - FIRE_GRACE_MS;
  const onTime = due.times.filter((t) => t >= onTimeFrom);
  const missed = due.times.filter((t) => t < onTimeFrom);
  let kept: number[] = [];
  if (p.catchUp === 'all') kept = missed.slice(-CATCH_UP_CAP);
  else if (p.catchUp === 'latest' && onTime.length === 0) kept = missed.slice(-1);
  const fires = [...kept, ...onTime];
  return { fires, dropped: due.times.length + due.beyond - fires.length, next };
}

/** Enough to hold the capped catch-up and a minute of on-time fires of a per-minute schedule. */
const DUE_WINDOW = CATCH_UP_CAP + 2;

/**
 * Fire times in [cursor, now], oldest first: walked forward from the cursor, which after a normal
 * poll is one step. After a long outage the walk stops at the window and takes the newest fires
 * instead; `beyond` counts what fell off. `previousRuns` returns runs before its reference
 * truncated to the second, so the reference is the start of the second after `now`: with
 * `now + 1 ms` a fire in `now`'s own second was left out, and one on time was lost whenever a
 * scheduler came back in the first second of a minute.
 */
function dueFires(cron: ParsedCron, cursor: number, now: number): { times: number[]; beyond: number } {
  const times: number[] = [];
  for (let t = nextFireTime(cron, cursor - 1); t !== null && t <= now; t = nextFireTime(cron, t)) {
    times.push(t);
    if (times.length > DUE_WINDOW) {
      const newest = cron
        .previousRuns(DUE_WINDOW, new Date(Math.floor(now / 1000) * 1000 + 1000))
        .map((d) => d.getTime())
        .filter((x) => x >= cursor && x <= now)
        .reverse();
      return { times: newest, beyond: 1 };
    }
  }
  return { times, beyond: 0 };
}

/** The job idempotency key of one fire: what makes a fire enqueue once across processes. */
export function fireKey(scheduleId: string, fireAt: number): string {
  return `schedule:${scheduleId}:${new Date(fireAt).toISOString()}`;
}

/** The stable id of a schedule declared in code on `defineJob`. */
export function codeScheduleId(type: string): string {
  return `code-${type}`;
}
