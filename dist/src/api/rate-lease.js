/** Unspent tokens go back after this long; short enough that another process rarely misses them. */
const HOLD_MS = 1_000;
/** An empty bucket is believed this long without asking again, so a client hammering past its limit costs no round trip per request. */
const DENIAL_HOLD_MS = 100;
export class LeasedRateLimiter {
    lender;
    opts;
    leases = new Map();
    now;
    sweeper;
    constructor(lender, opts) {
        this.lender = lender;
        this.opts = opts;
        this.now = opts.now ?? Date.now;
        this.sweeper = setInterval(() => this.returnIdle(), HOLD_MS);
        this.sweeper.unref();
    }
    take(key) {
        const lease = this.leases.get(key);
        if (lease && lease.tokens >= 1)
            return this.spend(lease);
        return this.borrowThenTake(key);
    }
    /** Gives every unspent token back (on shutdown). */
    close() {
        clearInterval(this.sweeper);
        this.returnIdle(true);
    }
    spend(lease) {
        lease.tokens -= 1;
        lease.usedAt = this.now();
        return { ok: true, remaining: lease.remaining + Math.floor(lease.tokens) };
    }
    async borrowThenTake(key) {
        let lease = this.leases.get(key);
        if (!lease) {
            lease = { tokens: 0, remaining: 0, usedAt: this.now(), pending: null, deniedUntil: 0, retryAfterS: 1 };
            this.leases.set(key, lease);
        }
        // Each pass either finds a token, finds the bucket empty, or borrows; requests arriving while a
        // batch is on its way wait for it instead of asking again.
        for (;;) {
            if (lease.tokens >= 1)
                return this.spend(lease);
            if (lease.deniedUntil > this.now())
                return { ok: false, retryAfterS: lease.retryAfterS };
            const current = lease;
            current.pending ??= this.lender.borrow(key, this.opts.batch).then((grant) => {
                current.pending = null;
                current.tokens += grant.granted;
                current.remaining = grant.remaining;
                if (grant.granted === 0) {
                    current.deniedUntil = this.now() + DENIAL_HOLD_MS;
                    current.retryAfterS = grant.retryAfterS;
                }
            }, (err) => {
                current.pending = null;
                throw err;
            });
            await current.pending;
        }
    }
    returnIdle(all = false) {
        const now = this.now();
        for (const [key, lease] of this.leases) {
            if (lease.pending || (!all && now - lease.usedAt < HOLD_MS))
                continue;
            const whole = Math.floor(lease.tokens);
            if (whole > 0)
                this.lender.giveBack(key, whole);
            this.leases.delete(key);
        }
    }
}
//# sourceMappingURL=rate-lease.js.map