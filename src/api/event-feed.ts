/**
 * The read loop behind every event stream: read events after a cursor, coalesce, send, advance,
 * sleep until the store announces more (or the poll interval passes). The cursor only ever moves
 * to the last id *read*, and every event read is either sent or superseded (a progress event
 * followed by a newer one for the same job in the same batch), so a client that resumes with the
 * last id it received sees each remaining event exactly once, in increasing id order.
 *
 * Progress coalescing: after a batch that carried progress, the next read waits until
 * `progressIntervalMs` since the previous one, so a job reporting a million items yields at most
 * ~10 progress events per second (one per batch per job) while status, step and log events are
 * delayed by at most that interval.
 */
import type { JobEvent } from '../core/job.ts';
import { EventWaker, type SseOptions, type SseStream, sleep } from './sse.ts';
import type { ApiDeps } from './types.ts';

const BATCH = 500;

/** Drops progress events that a later progress event of the same job in this batch supersedes. */
export function coalesceProgress(events: JobEvent[]): JobEvent[] {
  const lastProgress = new Map<string, number>();
  for (const e of events) if (e.kind === 'progress') lastProgress.set(e.jobId, e.id);
  return events.filter((e) => e.kind !== 'progress' || lastProgress.get(e.jobId) === e.id);
}

/** The event after which a job's stream is over: a terminal status with the worker stopped. */
export function isFinalEvent(e: JobEvent): boolean {
  if (e.kind !== 'status') return false;
  const status = e.data.status;
  if (status === 'completed' || status === 'failed') return true;
  // A running job's cancel is announced at once with completedAt null; the worker's stop follows.
  return status === 'cancelled' && typeof e.data.completedAt === 'number';
}

/** The JSON a client receives for one event. */
export function eventPayload(e: JobEvent): Record<string, unknown> {
  if (e.kind === 'log') {
    const { level, message, step, attempt } = e.data;
    return { id: e.id, jobId: e.jobId, timestamp: e.timestamp, level, message, step, attempt };
  }
  return Object.assign({ jobId: e.jobId, timestamp: e.timestamp }, e.data);
}

export interface FeedParams {
  deps: ApiDeps;
  sse: SseStream;
  options: SseOptions;
  after: number;
  read: (after: number, limit: number) => Promise<JobEvent[]>;
  /** Sends one (already coalesced) batch; returns true to end the stream. */
  deliver: (events: JobEvent[]) => Promise<boolean> | boolean;
  /** Checked when a read comes back empty: true ends the stream (a job that is over). */
  idleDone?: () => boolean;
}

export async function runFeed(p: FeedParams): Promise<void> {
  const waker = new EventWaker(p.deps.longrun.monitor.notifications, p.sse.signal);
  let cursor = p.after;
  let lastProgressRead = 0;
  while (!p.sse.closed) {
    const readAt = Date.now();
    const events = await p.read(cursor, BATCH);
    if (p.sse.closed) return;
    if (events.length === 0) {
      if (p.idleDone?.()) return;
      await waker.wait(p.options.pollMs);
      continue;
    }
    const last = events[events.length - 1]!;
    const batch = coalesceProgress(events);
    if (await p.deliver(batch)) return;
    cursor = last.id;
    if (batch.some((e) => e.kind === 'progress')) {
      lastProgressRead = readAt;
    }
    // A full batch means more is waiting: read again at once, unless progress must be paced.
    const paceUntil = lastProgressRead + p.options.progressIntervalMs;
    if (events.length < BATCH) await waker.wait(p.options.pollMs);
    await sleep(paceUntil - Date.now(), p.sse.signal);
  }
}
