/**
 * Time, injected. The engine never calls `Date.now()` directly, so tests can move time forward to
 * expire a lease without sleeping. Both stores use their database's clock unless one is injected.
 *
 * ```ts
 * const clock = fakeClock(1_000);
 * clock.advance(30_000);
 * clock.now(); // 31_000
 * ```
 */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export interface FakeClock extends Clock {
  advance(ms: number): void;
  set(ms: number): void;
}

export function fakeClock(start = Date.now()): FakeClock {
  let current = start;
  return {
    now: () => current,
    advance: (ms) => {
      current += ms;
    },
    set: (ms) => {
      current = ms;
    },
  };
}
