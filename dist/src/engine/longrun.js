import { LongrunError } from "../core/errors.js";
import { CursorCodec } from "./cursor.js";
import { JobRegistry } from "./define.js";
import { buildNewJob, DEFAULT_WORKSPACE } from "./enqueue.js";
import { InsertBatcher } from "./insert-batcher.js";
import { LeaseReaper } from "./reaper.js";
import { RetentionSweeper } from "./retention.js";
import { WorkerPool } from "./worker.js";
/** How many log lines a job's detail carries; older ones come from `listLogs`. */
export const DETAIL_LOG_LIMIT = 1_000;
export class Longrun {
    store;
    registry;
    pool = null;
    inserts;
    reaper = null;
    retention = null;
    codec = null;
    constructor(opts) {
        this.store = opts.store;
        this.inserts = new InsertBatcher(opts.store);
        this.registry = new JobRegistry({ categories: opts.categories, jobs: opts.jobs });
    }
    /** Validates `input` against the type's schema and enqueues one job. */
    async enqueue(type, input, opts = {}) {
        const row = buildNewJob(this.registry, type, input, opts);
        const res = await this.inserts.insert(row);
        if (!res.created && !res.sameRequest) {
            throw new LongrunError('idempotency_conflict', `Idempotency-Key "${opts.idempotencyKey}" was used with another request`, {
                details: [{ message: 'the original job', jobId: res.id }],
            });
        }
        const found = await this.store.jobGet({ workspaceId: row.workspaceId, id: res.id });
        if (!found)
            throw new LongrunError('internal', `job ${res.id} vanished after insert`);
        return { job: found.job, created: res.created };
    }
    /** Bulk enqueue in one transaction; returns the job ids in order. */
    async enqueueMany(requests) {
        const rows = requests.map((r) => buildNewJob(this.registry, r.type, r.input, r.opts));
        const results = await this.store.jobInsert({ jobs: rows });
        return results.map((r) => r.id);
    }
    async cancel(id, opts = {}) {
        const res = await this.store.jobCancel({ workspaceId: opts.workspaceId ?? DEFAULT_WORKSPACE, id });
        return res;
    }
    async getJob(id, opts = {}) {
        return found(id, await this.store.jobDetailGet(detailParams(id, opts)));
    }
    /** `getJob` as the JSON text of `toJobDetailJson(detail)`: what the API sends, built by the store. */
    async getJobJson(id, opts = {}) {
        return found(id, await this.store.jobDetailJson(detailParams(id, opts)));
    }
    async listJobs(p = {}) {
        const codec = await this.cursors();
        const page = await this.store.jobList(this.listParams(p, codec));
        return { jobs: page.jobs, nextCursor: page.next === null ? null : codec.encodeJob(page.next) };
    }
    /** `listJobs` as the JSON text of `jobs.map(toJobJson)`: what the API sends, built by the store. */
    async listJobsJson(p = {}) {
        const codec = await this.cursors();
        const page = await this.store.jobListJson(this.listParams(p, codec));
        return { json: page.json, nextCursor: page.next === null ? null : codec.encodeJob(page.next) };
    }
    /**
     * Signs and checks list cursors with the store's `cursor_key`, read once. A failed read is not
     * kept: the next list tries again (the store may be back).
     */
    cursors() {
        if (this.codec)
            return this.codec;
        const made = this.store.settingGet({ name: 'cursor_key' }).then((key) => {
            if (key === null)
                throw new Error('the store has no cursor_key: run its migrations');
            return new CursorCodec(key);
        });
        this.codec = made;
        made.catch(() => {
            if (this.codec === made)
                this.codec = null;
        });
        return made;
    }
    listParams(p, codec) {
        const limit = p.limit ?? 20;
        if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
            throw new LongrunError('invalid_input', 'limit must be an integer from 1 to 100', {
                details: [{ path: 'limit', message: 'must be an integer from 1 to 100' }],
            });
        }
        return {
            workspaceId: p.workspaceId ?? DEFAULT_WORKSPACE,
            statuses: p.status,
            categories: p.category,
            types: p.type,
            limit,
            before: p.cursor === undefined ? undefined : codec.decodeJob(p.cursor),
        };
    }
    async requireJob(id, workspaceId) {
        if (!(await this.store.jobGet({ workspaceId, id })))
            throw new LongrunError('not_found', `job ${id} not found`);
    }
    async listLogs(id, p = {}) {
        await this.requireJob(id, p.workspaceId ?? DEFAULT_WORKSPACE);
        return this.store.logList({ jobId: id, after: p.after, limit: p.limit ?? 100, level: p.level });
    }
    async listItems(id, p = {}) {
        await this.requireJob(id, p.workspaceId ?? DEFAULT_WORKSPACE);
        return this.store.itemList({
            jobId: id,
            status: p.status,
            step: p.step,
            after: p.after,
            limit: p.limit ?? 100,
        });
    }
    async counts(opts = {}) {
        return this.store.jobCounts({ workspaceId: opts.workspaceId ?? DEFAULT_WORKSPACE });
    }
    /** Events after `after` (an event id), oldest first; a job's stream or the workspace's status/progress stream. */
    async events(p) {
        return this.store.eventList({
            workspaceId: p.workspaceId ?? DEFAULT_WORKSPACE,
            jobId: p.jobId,
            after: p.after,
            limit: p.limit ?? 500,
        });
    }
    jobTypes() {
        return this.registry.describe();
    }
    /**
     * Starts the worker pool (claiming the registered types), the lease reaper and, when
     * `retentionMs` is given, the retention sweeper that deletes jobs finished longer ago.
     */
    start(opts = {}) {
        if (this.pool)
            return;
        this.pool = new WorkerPool(this.store, this.registry, opts);
        this.reaper = new LeaseReaper(this.store, { intervalMs: opts.reapIntervalMs });
        this.pool.start();
        this.reaper.start();
        if (opts.retentionMs !== undefined) {
            this.retention = new RetentionSweeper(this.store, { maxAgeMs: opts.retentionMs });
            this.retention.start();
        }
    }
    get worker() {
        return this.pool;
    }
    /** Stops claiming at once, lets running jobs finish within `graceMs`, then releases the rest. */
    async stop(opts = {}) {
        const pool = this.pool;
        const reaper = this.reaper;
        const retention = this.retention;
        this.pool = null;
        this.reaper = null;
        this.retention = null;
        await pool?.stop(opts);
        await reaper?.stop();
        await retention?.stop();
    }
}
export function createLongrun(opts) {
    return new Longrun(opts);
}
function detailParams(id, opts) {
    return {
        workspaceId: opts.workspaceId ?? DEFAULT_WORKSPACE,
        id,
        logLimit: opts.logLimit ?? DETAIL_LOG_LIMIT,
    };
}
function found(id, value) {
    if (value === null)
        throw new LongrunError('not_found', `job ${id} not found`);
    return value;
}
//# sourceMappingURL=longrun.js.map