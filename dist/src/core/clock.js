export const systemClock = { now: () => Date.now() };
export function fakeClock(start = Date.now()) {
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
//# sourceMappingURL=clock.js.map