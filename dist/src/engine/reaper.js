import { retryDelay } from "./define.js";
export class LeaseReaper {
    store;
    timer = null;
    running = Promise.resolve();
    intervalMs;
    constructor(store, opts = {}) {
        this.store = store;
        this.intervalMs = opts.intervalMs ?? 1_000;
        this.onError = opts.onError ?? ((err) => console.error('[longrun reaper]', err));
    }
    onError;
    start() {
        this.timer = setInterval(() => {
            this.running = this.sweep().catch(this.onError);
        }, this.intervalMs);
        this.timer.unref();
    }
    /**
     * One pass; returns how many jobs it recovered. A crash is the worker's fault, not the job's, so
     * the first recovery runs at once; repeated crashes (a job that kills its worker) back off.
     */
    async sweep() {
        let total = 0;
        for (;;) {
            const reaped = await this.store.leaseReap({
                limit: 500,
                retryDelayMs: (attempt) => (attempt <= 1 ? 0 : Math.min(retryDelay(undefined, attempt - 1), 30_000)),
            });
            total += reaped.length;
            if (reaped.length < 500)
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
//# sourceMappingURL=reaper.js.map