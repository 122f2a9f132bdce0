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
import { type SseOptions, type SseStream } from './sse.ts';
import type { ApiDeps } from './types.ts';
/** Drops progress events that a later progress event of the same job in this batch supersedes. */
export declare function coalesceProgress(events: JobEvent[]): JobEvent[];
/** The event after which a job's stream is over: a terminal status with the worker stopped. */
export declare function isFinalEvent(e: JobEvent): boolean;
/** The JSON a client receives for one event. */
export declare function eventPayload(e: JobEvent): Record<string, unknown>;
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
export declare function runFeed(p: FeedParams): Promise<void>;
//# sourceMappingURL=event-feed.d.ts.map