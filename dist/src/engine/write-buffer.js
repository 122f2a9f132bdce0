export class JobWriteBuffer {
    lease;
    knownTotal;
    onFull;
    maxBuffered;
    /** Made on the first write: most short jobs never report anything. */
    pending = null;
    /** Once set, the buffer ignores further writes: the attempt is over and its lease is gone. */
    closed = false;
    constructor(lease, knownTotal, onFull, maxBuffered) {
        this.lease = lease;
        this.knownTotal = knownTotal;
        this.onFull = onFull;
        this.maxBuffered = maxBuffered;
    }
    setTotal(total) {
        this.knownTotal = Math.max(0, Math.floor(total));
        this.progress().total = this.knownTotal;
    }
    addTotal(n) {
        this.setTotal(this.knownTotal + n);
    }
    addProgress(completed, failed) {
        const p = this.progress();
        p.completed = (p.completed ?? 0) + completed;
        p.failed = (p.failed ?? 0) + failed;
    }
    writes() {
        this.pending ??= emptyWrites();
        return this.pending;
    }
    log(line) {
        if (this.closed)
            return;
        this.writes().logs.push(line);
        this.checkFull();
    }
    item(item) {
        if (this.closed)
            return;
        this.writes().items.push(item);
        this.checkFull();
    }
    step(step, currentStep) {
        const w = this.writes();
        w.steps.push(step);
        w.currentStep = currentStep;
    }
    isEmpty() {
        const p = this.pending;
        return (p === null ||
            (!p.progress &&
                p.logs.length === 0 &&
                p.items.length === 0 &&
                p.steps.length === 0 &&
                p.currentStep === undefined));
    }
    /** Puts back writes that a failed flush took, ahead of anything buffered since. */
    restore(taken) {
        const now = this.writes();
        this.pending = {
            logs: [...(taken.logs ?? []), ...now.logs],
            items: [...(taken.items ?? []), ...now.items],
            steps: [...(taken.steps ?? []), ...now.steps],
            currentStep: now.currentStep !== undefined ? now.currentStep : taken.currentStep,
        };
        if (taken.progress || now.progress) {
            this.pending.progress = {
                total: now.progress?.total ?? taken.progress?.total,
                completed: (taken.progress?.completed ?? 0) + (now.progress?.completed ?? 0),
                failed: (taken.progress?.failed ?? 0) + (now.progress?.failed ?? 0),
            };
        }
    }
    /** Takes everything buffered; the buffer starts empty again. */
    drain() {
        const taken = this.pending ?? emptyWrites();
        this.pending = null;
        return taken;
    }
    progress() {
        const w = this.writes();
        w.progress ??= {};
        return w.progress;
    }
    checkFull() {
        const w = this.writes();
        if (w.logs.length + w.items.length >= this.maxBuffered)
            this.onFull();
    }
}
function emptyWrites() {
    return { logs: [], items: [], steps: [] };
}
//# sourceMappingURL=write-buffer.js.map