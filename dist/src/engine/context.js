/** Thrown inside a handler when the job was cancelled; the worker records the attempt as cancelled. */
export class JobCancelledError extends Error {
    constructor(message = 'job cancelled') {
        super(message);
        this.name = 'JobCancelledError';
    }
}
/** Throw from a handler to fail the job without further attempts. */
export class NonRetryableError extends Error {
    code;
    constructor(message, code = 'non_retryable') {
        super(message);
        this.code = code;
        this.name = 'NonRetryableError';
    }
}
/**
 * Step names and item keys end up in list cursors and query strings (`/items?step=&cursor=`), so
 * they are bounded: 200 characters as the API's `step` filter, 1,000 for a key (an entity id or a
 * URL), which keeps an item cursor well inside a request line.
 */
const MAX_CHARS = { 'step name': 200, 'item key': 1_000 };
/**
 * Step names and item keys are stored as text and come back in item cursors, split at a NUL;
 * PostgreSQL text cannot hold NUL at all. One refuses it on both backends, and a retry would
 * meet the same name, so the job fails at once.
 */
function assertStorable(what, value) {
    if (value.includes('\u0000'))
        throw new NonRetryableError(`${what} must not contain NUL (U+0000)`, 'invalid_name');
    if (value.length > MAX_CHARS[what])
        throw new NonRetryableError(`${what} must be at most ${MAX_CHARS[what]} characters`, 'invalid_name');
}
/** Lines are capped (8 KiB) and control characters escaped so a message cannot forge extra lines. */
export const MAX_LOG_LINE = 8 * 1024;
export function sanitizeLogMessage(message) {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: escaping control characters is the point.
    const clean = message.replace(/[\u0000-\u0008\u000a-\u001f\u007f\u2028\u2029]/g, (c) => c === '\n' ? '\\n' : c === '\r' ? '\\r' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    return clean.length > MAX_LOG_LINE
        ? `${clean.slice(0, MAX_LOG_LINE)}… [truncated ${clean.length - MAX_LOG_LINE} chars]`
        : clean;
}
/** An AbortController made only when a handler reads `ctx.signal`: most attempts never do. */
export class LazyAbort {
    controller = null;
    reason = null;
    get signal() {
        if (!this.controller) {
            this.controller = new AbortController();
            if (this.reason !== null)
                this.controller.abort(new Error(this.reason));
        }
        return this.controller.signal;
    }
    abort(reason) {
        if (this.reason !== null)
            return;
        this.reason = reason;
        this.controller?.abort(new Error(reason));
    }
}
class Logger {
    ctx;
    constructor(ctx) {
        this.ctx = ctx;
    }
    info(message) {
        this.ctx.write('info', message);
    }
    warn(message) {
        this.ctx.write('warn', message);
    }
    error(message) {
        this.ctx.write('error', message);
    }
}
class ProgressReporter {
    state;
    constructor(state) {
        this.state = state;
    }
    setTotal(total) {
        this.state.buffer.setTotal(total);
    }
    increment(d = { completed: 1 }) {
        this.state.buffer.addProgress(d.completed ?? 0, d.failed ?? 0);
    }
}
/** A class rather than closures: a pool running thousands of short jobs allocates one object each. */
class Context {
    state;
    jobId;
    workspaceId;
    attempt;
    logger = null;
    reporter = null;
    currentStep = null;
    constructor(job, state) {
        this.state = state;
        this.jobId = job.id;
        this.workspaceId = job.workspaceId;
        this.attempt = job.attempt;
    }
    get log() {
        this.logger ??= new Logger(this);
        return this.logger;
    }
    get progress() {
        this.reporter ??= new ProgressReporter(this.state);
        return this.reporter;
    }
    get signal() {
        return this.state.abort.signal;
    }
    get cancelRequested() {
        return this.state.cancelRequested;
    }
    write(level, message, step = this.currentStep) {
        this.state.buffer.log({
            level,
            message: sanitizeLogMessage(String(message)),
            step,
            timestamp: this.state.now(),
        });
    }
    throwIfCancelled() {
        if (this.state.cancelRequested)
            throw new JobCancelledError();
    }
    remember(name, result) {
        const now = this.state.now();
        this.state.priorSteps.set(name, {
            name,
            status: 'completed',
            attempt: this.attempt,
            startedAt: now,
            completedAt: now,
            result,
        });
    }
    async step(name, fn) {
        assertStorable('step name', name);
        const prior = this.state.priorSteps.get(name);
        if (prior?.status === 'completed')
            return prior.result;
        this.throwIfCancelled();
        const buffer = this.state.buffer;
        this.currentStep = name;
        buffer.step({ name, status: 'running' }, name);
        try {
            const result = await fn();
            buffer.step({ name, status: 'completed', result: result ?? null }, null);
            this.remember(name, result);
            await this.state.flush();
            return result;
        }
        catch (err) {
            buffer.step({ name, status: 'failed' }, null);
            throw err;
        }
        finally {
            this.currentStep = null;
        }
    }
    async each(stepName, items, opts, fn) {
        assertStorable('step name', stepName);
        const state = this.state;
        const buffer = state.buffer;
        const prior = state.priorSteps.get(stepName);
        const result = { completed: 0, failed: 0, skipped: 0 };
        if (prior?.status === 'completed')
            return { ...result, skipped: items.length };
        this.throwIfCancelled();
        // A step started by an earlier attempt already counted its items into the total.
        const done = prior ? await state.loadItems(stepName) : new Map();
        if (!prior)
            buffer.addTotal(items.length);
        this.currentStep = stepName;
        buffer.step({ name: stepName, status: 'running' }, stepName);
        let next = 0;
        let stopped = false;
        let tooManyFailures = false;
        const lane = async () => {
            while (!stopped) {
                if (state.cancelRequested) {
                    stopped = true;
                    return;
                }
                const index = next++;
                if (index >= items.length)
                    return;
                const item = items[index];
                const key = opts.key(item, index);
                assertStorable('item key', key);
                const before = done.get(key);
                if (before === 'completed') {
                    result.skipped++;
                    continue;
                }
                try {
                    await fn(item, index);
                    result.completed++;
                    buffer.item({ step: stepName, key, status: 'completed', error: null });
                    buffer.addProgress(1, before === 'failed' ? -1 : 0);
                }
                catch (err) {
                    // An item interrupted by a cancel (its handler honoured ctx.signal) was not done, nor
                    // did it fail: it is left unrecorded and counted as not started.
                    if (state.cancelRequested) {
                        stopped = true;
                        return;
                    }
                    result.failed++;
                    const message = err instanceof Error ? err.message : String(err);
                    buffer.item({ step: stepName, key, status: 'failed', error: sanitizeLogMessage(message) });
                    if (before !== 'failed')
                        buffer.addProgress(0, 1);
                    this.write('error', `item ${key} failed: ${message}`, stepName);
                    if (opts.maxFailures !== undefined && result.failed > opts.maxFailures) {
                        tooManyFailures = true;
                        stopped = true;
                    }
                }
            }
        };
        const lanes = Math.max(1, Math.min(opts.concurrency ?? 1, items.length || 1));
        await Promise.all(Array.from({ length: lanes }, lane));
        this.currentStep = null;
        if (tooManyFailures) {
            buffer.step({ name: stepName, status: 'failed' }, null);
            throw new NonRetryableError(`${result.failed} items failed in step ${stepName} (maxFailures ${opts.maxFailures})`, 'too_many_failures');
        }
        const handled = result.completed + result.failed + result.skipped;
        if (state.cancelRequested && handled < items.length) {
            this.write('warn', `cancelled in step ${stepName}: ${result.completed} items completed and kept, ${result.failed} failed, ${items.length - handled} not started`, stepName);
            throw new JobCancelledError();
        }
        buffer.step({ name: stepName, status: 'completed', result: { ...result } }, null);
        this.remember(stepName);
        await state.flush();
        return result;
    }
}
export function createJobContext(job, state) {
    return new Context(job, state);
}
//# sourceMappingURL=context.js.map