import { CountDeltas } from "../rows.js";
import { WRITE_SET_SQL } from "./write-set-sql.js";
export function clean(s) {
    return s?.includes('\u0000') ? s.replaceAll('\u0000', '\uFFFD') : s;
}
export class WriteSet {
    steps = new Map();
    items = new Map();
    jobs = new Map();
    attempts = [];
    events = [];
    deltas = new CountDeltas();
    notify = null;
    get isEmpty() {
        return (this.steps.size + this.items.size + this.jobs.size + this.attempts.length + this.events.length === 0 &&
            [...this.deltas.entries()].length === 0 &&
            this.notify === null);
    }
    /** What listeners are told after the commit: the most specific wins (a cancel or new work implies events). */
    announce(n) {
        const rank = (x) => x === null ? 0 : x.channel === 'events' ? 1 : x.channel === 'jobs' ? 2 : 3;
        if (rank(n) > rank(this.notify))
            this.notify = n;
    }
    get announced() {
        return this.notify;
    }
    step(row) {
        const key = `${row.jobId}\u0000${row.name}`;
        const prev = this.steps.get(key);
        const upsert = row.running || (prev?.upsert ?? false);
        this.steps.set(key, {
            ...row,
            upsert,
            position: prev?.position ?? row.position,
            startedAt: row.running ? row.startedAt : (prev?.startedAt ?? row.startedAt),
            attempt: row.attempt,
        });
    }
    item(jobId, workspaceId, it, attempt, now) {
        this.items.set(`${jobId}\u0000${it.step}\u0000${it.key}`, [
            jobId,
            it.step,
            it.key,
            workspaceId,
            it.status,
            clean(it.error),
            attempt,
            now,
        ]);
    }
    /** The pending update of a job row, created on first use; later calls in the batch refine it. */
    job(jobId, now) {
        let u = this.jobs.get(jobId);
        if (!u) {
            u = {
                status: null,
                progress: null,
                logs: null,
                updatedAt: now,
                endLease: false,
                runAt: null,
                releasedDelta: 0,
                cancelRequestedAt: null,
            };
            this.jobs.set(jobId, u);
        }
        u.updatedAt = now;
        return u;
    }
    attempt(a) {
        this.attempts.push([
            a.jobId,
            a.attempt,
            a.workspaceId,
            a.workerId,
            a.startedAt,
            a.endedAt,
            a.outcome,
            clean(a.error),
        ]);
    }
    event(e) {
        this.events.push([
            e.workspaceId,
            e.jobId,
            e.kind,
            e.level ?? null,
            e.step ?? null,
            e.attempt,
            e.message === undefined ? null : clean(e.message),
            e.data ? JSON.stringify(e.data) : null,
            e.now,
        ]);
    }
    /** The one statement; `shard` spreads the count deltas (see job_counts in 001_init.sql). */
    toQuery(ctx) {
        const steps = [...this.steps.values()];
        const up = steps.filter((s) => s.upsert);
        const upd = steps.filter((s) => !s.upsert);
        const jobs = [...this.jobs.entries()];
        const shard = Math.floor(Math.random() * 16);
        const counts = [...this.deltas.entries()].sort((a, b) => a.workspaceId !== b.workspaceId
            ? cmp(a.workspaceId, b.workspaceId)
            : a.category !== b.category
                ? cmp(a.category, b.category)
                : cmp(a.status, b.status));
        const col = (rows, f) => rows.map(f);
        const values = [
            // $1-$9 step upserts
            col(up, (s) => s.jobId),
            col(up, (s) => s.name),
            col(up, (s) => s.workspaceId),
            col(up, (s) => s.position),
            col(up, (s) => s.status),
            col(up, (s) => s.result),
            col(up, (s) => s.attempt),
            col(up, (s) => s.startedAt),
            col(up, (s) => s.completedAt),
            // $10-$14 step updates
            col(upd, (s) => s.jobId),
            col(upd, (s) => s.name),
            col(upd, (s) => s.status),
            col(upd, (s) => s.result),
            col(upd, (s) => s.completedAt),
            // $15-$22 items
            ...transpose([...this.items.values()], 8),
            // $23-$43 job updates
            col(jobs, ([id]) => id),
            col(jobs, ([, u]) => u.status),
            col(jobs, ([, u]) => u.progress?.total ?? null),
            col(jobs, ([, u]) => u.progress?.completed ?? null),
            col(jobs, ([, u]) => u.progress?.failed ?? null),
            col(jobs, ([, u]) => u.currentStep !== undefined),
            col(jobs, ([, u]) => u.currentStep ?? null),
            col(jobs, ([, u]) => u.logs?.total ?? null),
            col(jobs, ([, u]) => u.logs?.dropped ?? null),
            col(jobs, ([, u]) => u.updatedAt),
            col(jobs, ([, u]) => u.endLease),
            col(jobs, ([, u]) => u.completedAt !== undefined),
            col(jobs, ([, u]) => u.completedAt ?? null),
            col(jobs, ([, u]) => u.runAt),
            col(jobs, ([, u]) => u.releasedDelta),
            col(jobs, ([, u]) => u.result !== undefined),
            col(jobs, ([, u]) => u.result ?? null),
            col(jobs, ([, u]) => u.error !== undefined),
            col(jobs, ([, u]) => u.error?.code ?? null),
            col(jobs, ([, u]) => (u.error ? clean(u.error.message) : null)),
            col(jobs, ([, u]) => u.cancelRequestedAt),
            // $44-$51 attempts, $52-$60 events
            ...transpose(this.attempts, 8),
            ...transpose(this.events, 9),
            // $61-$62 event lock, $63-$67 counts
            ctx.eventLock[0],
            ctx.eventLock[1],
            col(counts, (c) => c.workspaceId),
            col(counts, (c) => c.category),
            col(counts, (c) => c.status),
            col(counts, () => shard),
            col(counts, (c) => c.delta),
        ];
        return { name: 'longrun_write_set', text: WRITE_SET_SQL, values };
    }
}
function cmp(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
}
function transpose(rows, width) {
    const cols = Array.from({ length: width }, () => []);
    for (const r of rows)
        for (let i = 0; i < width; i++)
            cols[i]?.push(r[i]);
    return cols;
}
//# sourceMappingURL=write-set.js.map