/**
 * Time, injected. The engine reads the time and schedules its timers (polls, heartbeats, lease
 * checks, job timeouts, retry waits, the reaper) only through a `Clock`, so a test can run retries,
 * backoff, timeouts and lease expiry by moving a fake clock, without sleeping. Stores read only
 * `now()`: both use their database's clock unless one is injected.
 *
 * ```ts
 * const clock = fakeClock(1_000);
 * clock.setTimeout(() => console.log('fired'), 500);
 * clock.advance(30_000); // prints "fired", at 1_500
 * clock.now(); // 31_000
 * ```
 */
export interface Clock {
  now(): number;
}

/** A timer started by a `Clock`; `unref` lets the process exit while it waits, as Node's does. */
export interface ClockTimer {
  clear(): void;
  unref(): ClockTimer;
}

/** What the engine needs of time: the time, and timers that run on the same time. */
export interface EngineClock extends Clock {
  setTimeout(fn: () => void, ms: number): ClockTimer;
  setInterval(fn: () => void, ms: number): ClockTimer;
}

function nodeTimer(t: NodeJS.Timeout, clear: (t: NodeJS.Timeout) => void): ClockTimer {
  const timer: ClockTimer = {
    clear: () => clear(t),
    unref: () => {
      t.unref();
      return timer;
    },
  };
  return timer;
}

export const systemClock: EngineClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => nodeTimer(setTimeout(fn, ms), clearTimeout),
  setInterval: (fn, ms) => nodeTimer(setInterval(fn, ms), clearInterval),
};

export interface FakeClock extends EngineClock {
  /** Moves time forward by `ms`, firing every timer that falls due, in order, at its own time. */
  advance(ms: number): void;
  /**
   * `advance`, but after each timer fires it lets the event loop turn (`setImmediate`, not a
   * timer) so the work the timer started (a claim, a store write) settles before the next one.
   */
  tickAsync(ms: number): Promise<void>;
  /** Sets the time; timers do not fire (a jump of the wall clock, not the passing of time). */
  set(ms: number): void;
}

interface FakeTimer {
  at: number;
  every: number | null;
  fn: () => void;
  seq: number;
}

export function fakeClock(start = Date.now()): FakeClock {
  let current = start;
  let seq = 0;
  const timers = new Set<FakeTimer>();
  const add = (fn: () => void, ms: number, every: boolean): ClockTimer => {
    const t: FakeTimer = {
      at: current + Math.max(0, ms),
      every: every ? Math.max(1, ms) : null,
      fn,
      seq: seq++,
    };
    timers.add(t);
    const timer: ClockTimer = { clear: () => timers.delete(t), unref: () => timer };
    return timer;
  };
  /** The next timer due at or before `until`: earliest time, then the one started first. */
  const nextDue = (until: number): FakeTimer | undefined => {
    let next: FakeTimer | undefined;
    for (const t of timers)
      if (t.at <= until && (!next || t.at < next.at || (t.at === next.at && t.seq < next.seq))) next = t;
    return next;
  };
  const fire = (t: FakeTimer): void => {
    current = Math.max(current, t.at);
    if (t.every === null) timers.delete(t);
    else {
      t.at += t.every;
      t.seq = seq++;
    }
    t.fn();
  };
  return {
    now: () => current,
    setTimeout: (fn, ms) => add(fn, ms, false),
    setInterval: (fn, ms) => add(fn, ms, true),
    advance: (ms) => {
      const until = current + ms;
      for (let t = nextDue(until); t; t = nextDue(until)) fire(t);
      current = until;
    },
    tickAsync: async (ms) => {
      const until = current + ms;
      await settle();
      for (let t = nextDue(until); t; t = nextDue(until)) {
        fire(t);
        await settle();
      }
      current = until;
      await settle();
    },
    set: (ms) => {
      current = ms;
    },
  };
}

/** A few event-loop turns: enough for promise chains over an in-process store to finish. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
}
