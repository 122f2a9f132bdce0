export class RetentionSweeper {
    store;
    opts;
    timer = null;
    running = Promise.resolve();
    constructor(store, opts) {
        this.store = store;
        this.opts = opts;
    }
    start() {
        const onError = this.opts.onError ?? ((err) => console.error('[longrun retention]', err));
        this.timer = setInterval(() => {
            this.running = this.sweep().catch(onError);
        }, this.opts.intervalMs ?? 60_000);
        this.timer.unref();
    }
    /** Deletes everything past the age limit, a batch at a time; returns how many jobs it deleted. */
    async sweep() {
        const batch = this.opts.batchSize ?? 500;
        const before = (await this.store.clockNow()) - this.opts.maxAgeMs;
        let total = 0;
        for (;;) {
            const n = await this.store.jobPurge({ before, limit: batch });
            total += n;
            if (n < batch)
                break;
        }
        return total;
    }
    async stop() {
        if (this.timer)
            clearInterval(this.timer);
        this.timer = null;
        await this.running;
    }
}
//# sourceMappingURL=retention.js.map