import { createJobContext, JobCancelledError, NonRetryableError, } from "./context.js";
import { retryDelay } from "./define.js";
const ITEM_PAGE = 10_000;
async function loadItems(store, jobId, step) {
    const out = new Map();
    let after;
    for (;;) {
        const page = await store.itemList({ jobId, step, after, limit: ITEM_PAGE });
        for (const it of page)
            out.set(it.key, it.status);
        const last = page[page.length - 1];
        if (page.length < ITEM_PAGE || !last)
            return out;
        after = `${last.step}\u0000${last.key}`;
    }
}
/** The run state a job context reads: one object per attempt, its methods on the prototype. */
class AttemptState {
    run;
    store;
    deps;
    priorSteps;
    constructor(run, store, deps, priorSteps) {
        this.run = run;
        this.store = store;
        this.deps = deps;
        this.priorSteps = priorSteps;
    }
    get buffer() {
        return this.run.buffer;
    }
    get abort() {
        return this.run.abort;
    }
    get cancelRequested() {
        return this.run.cancelRequested;
    }
    loadItems(step) {
        return loadItems(this.store, this.run.claimed.job.id, step);
    }
    flush() {
        return this.deps.flush();
    }
    now() {
        return this.deps.now();
    }
}
export function runAttempt(store, run, deps) {
    const job = run.claimed.job;
    // Only a later attempt has steps to resume from; a first attempt skips the read.
    if (job.attempt === 1)
        return startAttempt(run, new AttemptState(run, store, deps, new Map()));
    return store
        .stepList({ jobId: job.id })
        .then((steps) => startAttempt(run, new AttemptState(run, store, deps, new Map(steps.map((st) => [st.name, st])))));
}
function startAttempt(run, state) {
    const { claimed, def } = run;
    const job = claimed.job;
    const priorSteps = state.priorSteps;
    const ctx = createJobContext(job, state);
    if (job.attempt > 1) {
        const kept = [...priorSteps.values()].filter((s) => s.status === 'completed').length;
        ctx.log.info(`attempt ${job.attempt} starting; ${kept} completed steps kept`);
    }
    // One promise settled by whichever comes first: the handler, its timeout, or the pool ending the
    // attempt (shutdown release, lost lease). A handler that ignores its signal runs on, unheard.
    return new Promise((resolve) => {
        let timer;
        let settled = false;
        const settle = (end) => {
            if (settled)
                return;
            settled = true;
            if (timer)
                clearTimeout(timer);
            resolve(end);
        };
        run.forceEnd = (reason) => settle({ outcome: 'released', error: { code: reason, message: reason } });
        if (def.timeoutMs) {
            timer = setTimeout(() => {
                run.abort.abort(`timed out after ${def.timeoutMs} ms`);
                ctx.log.error(`attempt ${job.attempt} timed out after ${def.timeoutMs} ms`);
                settle({
                    outcome: 'timed_out',
                    error: { code: 'timed_out', message: `attempt timed out after ${def.timeoutMs} ms` },
                    retryDelayMs: retryDelay(def.retry, job.attempt),
                });
            }, def.timeoutMs);
        }
        let handled;
        try {
            handled = def.run(ctx, claimed.input);
        }
        catch (err) {
            handled = Promise.reject(err);
        }
        handled.then((result) => settle({ outcome: 'completed', result: result ?? null }), (err) => settle(classify(err, run, job.attempt, def, (m) => ctx.log.error(m))));
    });
}
function classify(err, run, attempt, def, logError) {
    const message = err instanceof Error ? err.message : String(err);
    if (run.cancelRequested || err instanceof JobCancelledError) {
        // The store keeps the job `cancelled`; this outcome only closes the attempt.
        return { outcome: 'failed', error: null, retryDelayMs: null };
    }
    if (err instanceof NonRetryableError) {
        logError(`attempt ${attempt} failed: ${message}`);
        return { outcome: 'failed', error: { code: err.code, message }, retryDelayMs: null };
    }
    logError(`attempt ${attempt} failed: ${message}`);
    return {
        outcome: 'failed',
        error: { code: 'handler_error', message },
        retryDelayMs: retryDelay(def.retry, attempt),
    };
}
//# sourceMappingURL=job-runner.js.map