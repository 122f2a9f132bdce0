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
import { newWorkerId } from "../core/ids.js";
import { LazyAbort } from "./context.js";
import { runAttempt } from "./job-runner.js";
import { JobWriteBuffer } from "./write-buffer.js";
const defaults = (o) => ({
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
});
export class WorkerPool {
    store;
    registry;
    opts;
    running = new Map();
    runPromises = new Set();
    stopping = false;
    claiming = false;
    claimAgain = false;
    lane = Promise.resolve();
    flushQueued = null;
    finishQueue = [];
    finishQueued = false;
    timers = [];
    unsubscribe = [];
    /** Jobs this pool finished, for benchmarks and tests. */
    processed = 0;
    constructor(store, registry, opts = {}) {
        this.store = store;
        this.registry = registry;
        this.opts = defaults(opts);
    }
    get runningCount() {
        return this.running.size;
    }
    start() {
        const n = this.store.notifications;
        if (n) {
            this.unsubscribe.push(n.jobsAvailable(() => this.wake()));
            this.unsubscribe.push(n.jobCancelled((id) => this.cancelLocal(id)));
        }
        this.timers.push(setInterval(() => this.wake(), this.opts.pollIntervalMs));
        this.timers.push(setInterval(() => void this.heartbeat(), Math.max(50, Math.floor(this.opts.leaseMs / 3))), 
        // Its own timer: a heartbeat stuck on an unreachable database must not delay the check.
        setInterval(() => this.dropUnrenewed(), Math.max(25, Math.floor(this.opts.leaseMs / 12))));
        this.timers.push(setInterval(() => void this.flush(), this.opts.flushIntervalMs));
        for (const t of this.timers)
            t.unref();
        this.wake();
    }
    /** Asks the pool to claim now; calls during a claim make it claim once more afterwards. */
    wake() {
        if (this.stopping)
            return;
        if (this.claiming) {
            this.claimAgain = true;
            return;
        }
        void this.claimLoop();
    }
    async claimLoop() {
        this.claiming = true;
        try {
            do {
                this.claimAgain = false;
                const free = this.opts.concurrency - this.running.size;
                if (free <= 0 || this.stopping)
                    break;
                const limit = Math.min(free, this.opts.claimBatch);
                const asked = Date.now();
                const claimed = await this.store.jobClaim({
                    workerId: this.opts.workerId,
                    limit,
                    types: this.opts.types ?? this.registry.types(),
                    leaseMs: this.opts.leaseMs,
                });
                for (const c of claimed)
                    this.launch(c, asked + this.opts.leaseMs);
                if (claimed.length === limit)
                    this.claimAgain = true;
            } while (this.claimAgain && !this.stopping);
        }
        catch (err) {
            this.opts.onError(err, 'claim');
        }
        finally {
            this.claiming = false;
        }
    }
    launch(claimed, leaseDeadline) {
        const def = this.registry.require(claimed.job.type);
        const run = {
            claimed,
            def,
            buffer: new JobWriteBuffer(claimed.lease, claimed.job.progress.total, () => void this.flush(), this.opts.maxBufferedWrites),
            abort: new LazyAbort(),
            cancelRequested: claimed.job.status === 'cancelled',
            leaseLost: false,
            leaseDeadline,
            released: false,
            forceEnd: () => { },
        };
        this.running.set(claimed.lease.jobId, run);
        const p = this.execute(run).finally(() => {
            this.running.delete(claimed.lease.jobId);
            this.runPromises.delete(p);
            this.wake();
        });
        this.runPromises.add(p);
    }
    async execute(run) {
        let end;
        try {
            end = await runAttempt(this.store, run, { flush: () => this.flush(), now: () => Date.now() });
        }
        catch (err) {
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
                timestamp: Date.now(),
            });
        }
        const writes = run.buffer.isEmpty() ? undefined : run.buffer.drain();
        run.buffer.closed = true;
        run.abort.abort('attempt ended');
        await this.finish({ lease: run.claimed.lease, ...end, writes });
        this.processed++;
    }
    cancelLocal(jobId) {
        const run = this.running.get(jobId);
        if (!run || run.cancelRequested)
            return;
        run.cancelRequested = true;
        run.abort.abort('job cancelled');
    }
    loseLease(run) {
        if (run.leaseLost)
            return;
        run.leaseLost = true;
        run.cancelRequested = true;
        run.buffer.closed = true;
        run.abort.abort('lease lost');
        run.forceEnd('lease_lost');
        this.opts.onLeaseLost?.(run.claimed.lease.jobId);
    }
    /** Runs `task` after everything already on the lane. */
    onLane(task) {
        const p = this.lane.then(task, task);
        this.lane = p.catch(() => { });
        return p;
    }
    /** Writes every running job's buffer in one transaction; concurrent callers share one flush. */
    flush() {
        if (this.flushQueued)
            return this.flushQueued;
        const queued = this.onLane(async () => {
            this.flushQueued = null;
            this.dropUnrenewed();
            const runs = [...this.running.values()].filter((r) => !r.buffer.closed && !r.buffer.isEmpty());
            if (runs.length === 0)
                return;
            const writes = runs.map((r) => ({ lease: r.claimed.lease, ...r.buffer.drain() }));
            try {
                const ok = await this.store.jobWrite({ writes });
                ok.forEach((applied, i) => {
                    const run = runs[i];
                    if (!applied && run)
                        this.loseLease(run);
                });
            }
            catch (err) {
                writes.forEach((w, i) => {
                    runs[i]?.buffer.restore(w);
                });
                this.opts.onError(err, 'flush');
            }
        });
        this.flushQueued = queued;
        return queued;
    }
    finish(finish) {
        return new Promise((done) => {
            this.finishQueue.push({ finish, done });
            if (this.finishQueued)
                return;
            this.finishQueued = true;
            void this.onLane(() => this.finishBatch());
        });
    }
    async finishBatch() {
        this.finishQueued = false;
        const batch = this.finishQueue;
        this.finishQueue = [];
        for (let attempt = 0;; attempt++) {
            try {
                await this.store.jobFinish({ finishes: batch.map((b) => b.finish) });
                break;
            }
            catch (err) {
                this.opts.onError(err, 'finish');
                // Past its lease the reaper recovers the job as a crashed attempt; stop trying by then.
                if (attempt >= 5 || this.stopping)
                    break;
                await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
            }
        }
        for (const b of batch)
            b.done();
    }
    async heartbeat() {
        const runs = [...this.running.values()].filter((r) => !r.leaseLost && !r.buffer.closed);
        if (runs.length === 0)
            return;
        const leases = runs.map((r) => r.claimed.lease);
        const sent = Date.now();
        try {
            const states = await this.store.jobHeartbeat({ leases, leaseMs: this.opts.leaseMs });
            for (const run of runs) {
                const state = states.get(run.claimed.lease.jobId);
                if (state === 'lost')
                    this.loseLease(run);
                else {
                    run.leaseDeadline = sent + this.opts.leaseMs;
                    if (state === 'cancelled')
                        this.cancelLocal(run.claimed.lease.jobId);
                }
            }
        }
        catch (err) {
            this.opts.onError(err, 'heartbeat');
        }
        this.dropUnrenewed();
    }
    /**
     * A worker that could not renew a lease (the database is unreachable) stops committing for that
     * job a sixth of the lease before it could expire, so its late writes can never race the attempt
     * that the reaper starts after expiry.
     */
    dropUnrenewed() {
        const cutoff = Date.now() + Math.floor(this.opts.leaseMs / 6);
        for (const run of this.running.values()) {
            if (!run.leaseLost && !run.buffer.closed && run.leaseDeadline <= cutoff) {
                this.opts.onError(new Error(`lease on job ${run.claimed.lease.jobId} could not be renewed; stopping it`), 'heartbeat');
                this.loseLease(run);
            }
        }
    }
    /** Stops claiming; waits up to `graceMs` for running jobs, then releases the rest back to pending. */
    async stop(opts = {}) {
        if (this.stopping)
            return;
        this.stopping = true;
        for (const u of this.unsubscribe)
            u();
        const grace = opts.graceMs ?? 10_000;
        const all = Promise.all([...this.runPromises]);
        let graceTimer;
        const graceOver = new Promise((r) => {
            graceTimer = setTimeout(() => r('grace'), grace);
        });
        if ((await Promise.race([all.then(() => 'done'), graceOver])) === 'grace') {
            for (const run of this.running.values()) {
                run.released = true;
                run.abort.abort('worker shutting down');
                run.forceEnd('released');
            }
        }
        clearTimeout(graceTimer);
        await Promise.all([...this.runPromises]);
        for (const t of this.timers)
            clearInterval(t);
        await this.flush();
        await this.lane;
    }
}
//# sourceMappingURL=worker.js.map