import { EventWaker, sleep } from "./sse.js";
const BATCH = 500;
/** Drops progress events that a later progress event of the same job in this batch supersedes. */
export function coalesceProgress(events) {
    const lastProgress = new Map();
    for (const e of events)
        if (e.kind === 'progress')
            lastProgress.set(e.jobId, e.id);
    return events.filter((e) => e.kind !== 'progress' || lastProgress.get(e.jobId) === e.id);
}
/** The event after which a job's stream is over: a terminal status with the worker stopped. */
export function isFinalEvent(e) {
    if (e.kind !== 'status')
        return false;
    const status = e.data.status;
    if (status === 'completed' || status === 'failed')
        return true;
    // A running job's cancel is announced at once with completedAt null; the worker's stop follows.
    return status === 'cancelled' && typeof e.data.completedAt === 'number';
}
/** The JSON a client receives for one event. */
export function eventPayload(e) {
    if (e.kind === 'log') {
        const { level, message, step, attempt } = e.data;
        return { id: e.id, jobId: e.jobId, timestamp: e.timestamp, level, message, step, attempt };
    }
    return Object.assign({ jobId: e.jobId, timestamp: e.timestamp }, e.data);
}
export async function runFeed(p) {
    const waker = new EventWaker(p.deps.longrun.store.notifications, p.sse.signal);
    let cursor = p.after;
    let lastProgressRead = 0;
    while (!p.sse.closed) {
        const readAt = Date.now();
        const events = await p.read(cursor, BATCH);
        if (p.sse.closed)
            return;
        if (events.length === 0) {
            if (p.idleDone?.())
                return;
            await waker.wait(p.options.pollMs);
            continue;
        }
        const last = events[events.length - 1];
        const batch = coalesceProgress(events);
        if (await p.deliver(batch))
            return;
        cursor = last.id;
        if (batch.some((e) => e.kind === 'progress')) {
            lastProgressRead = readAt;
        }
        // A full batch means more is waiting: read again at once, unless progress must be paced.
        const paceUntil = lastProgressRead + p.options.progressIntervalMs;
        if (events.length < BATCH)
            await waker.wait(p.options.pollMs);
        await sleep(paceUntil - Date.now(), p.sse.signal);
    }
}
//# sourceMappingURL=event-feed.js.map