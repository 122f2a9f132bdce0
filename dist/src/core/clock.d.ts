/**
 * Time, injected. The engine never calls `Date.now()` directly, so tests can move time forward to
 * expire a lease without sleeping. PostgreSQL stores ignore a system clock and use the database's.
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
export declare const systemClock: Clock;
export interface FakeClock extends Clock {
    advance(ms: number): void;
    set(ms: number): void;
}
export declare function fakeClock(start?: number): FakeClock;
//# sourceMappingURL=clock.d.ts.map