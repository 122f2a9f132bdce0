/**
 * The event-stream half of the history checker: each stream the harness read (a `stream` record)
 * against the job's events in the store. A stream that went through restarts must still have
 * carried, after its snapshot and up to the job's final status event:
 * - every status, step and log event, once, in id order;
 * - the job's last progress event (earlier ones may be coalesced away, as the API documents);
 * - nothing the store does not hold, and an `end`.
 *
 * ```ts
 * const violations = await checkStreams({ store, workspaceId: 'default', history });
 * ```
 */
import { isFinalEvent } from '../src/api/event-feed.ts';
import type { JobEvent } from '../src/core/job.ts';
import type { Store } from '../src/index.ts';
import type { HistoryRecord } from './history.ts';

export async function checkStreams(p: {
  store: Store;
  workspaceId: string;
  history: HistoryRecord[];
}): Promise<string[]> {
  const violations: string[] = [];
  for (const r of p.history) {
    if (r.kind !== 'stream') continue;
    const v = (msg: string) => violations.push(`${r.jobId} stream: ${msg}`);
    if (!r.ended) v('ended without `end`');
    for (let i = 1; i < r.ids.length; i++)
      if ((r.ids[i] ?? 0) <= (r.ids[i - 1] ?? 0))
        v(`event ${r.ids[i]} arrived after ${r.ids[i - 1]} (repeated or out of order)`);
    const expected = await eventsUntilFinal(p.store, p.workspaceId, r.jobId, r.from ?? 0);
    const got = new Set(r.ids);
    const known = new Set(expected.map((e) => e.id));
    for (const id of got) if (!known.has(id)) v(`event ${id} is not one of the job's events after ${r.from}`);
    const lastProgress = expected.findLast((e) => e.kind === 'progress');
    for (const e of expected)
      if ((e.kind !== 'progress' || e === lastProgress) && !got.has(e.id))
        v(`missed ${e.kind} event ${e.id}`);
  }
  return violations;
}

async function eventsUntilFinal(store: Store, workspaceId: string, jobId: string, after: number) {
  const out: JobEvent[] = [];
  for (;;) {
    const page = await store.eventList({ workspaceId, jobId, after, limit: 1_000 });
    for (const e of page) {
      out.push(e);
      if (isFinalEvent(e)) return out;
    }
    const last = page.at(-1);
    if (!last || page.length < 1_000) return out;
    after = last.id;
  }
}
