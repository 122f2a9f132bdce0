/**
 * The outside, append-only history of a soak run: what job handlers did (as they saw it) and what
 * the harness did to them, one JSON object per line. Handlers in any process append to the same
 * file with O_APPEND, so lines never interleave (each is one small write) and their order in the
 * file is the order the kernel saw them. Times come from `performance.timeOrigin + now()`, not
 * `Date.now()`, so a worker whose `Date.now` is skewed still writes true times.
 *
 * ```ts
 * historyAppend(file, { kind: 'item', jobId, attempt, token, key });
 * const records = historyRead(file);
 * ```
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';

export type HistoryRecord =
  /** A handler started an attempt. */
  | { kind: 'start'; jobId: string; attempt: number; token: string; pid: number; t: number }
  /** A handler began one item. */
  | { kind: 'item'; jobId: string; attempt: number; token: string; key: string; pid: number; t: number }
  /** The attempt's `ctx.signal` aborted (a cancel, a lost lease or a shutdown reached it). */
  | { kind: 'heard'; jobId: string; attempt: number; token: string; pid: number; t: number }
  /** A handler returned. */
  | { kind: 'end'; jobId: string; attempt: number; token: string; pid: number; t: number }
  /** The harness's client got an acknowledgement: the job exists from here on. */
  | { kind: 'accepted'; jobId: string; t: number }
  /** The API acknowledged a cancel of a job that was not finished. */
  | { kind: 'cancel'; jobId: string; t: number }
  /** The harness injected a fault (a kill, a freeze, a blackhole…) at `t`; `until` when it ended. */
  | { kind: 'fault'; what: string; t: number; until?: number }
  /**
   * A job event stream the harness read to its end: the snapshot's id (`from`, null without one),
   * then the ids of the events that followed, in the order they arrived; `ended` if `end` came.
   */
  | { kind: 'stream'; jobId: string; from: number | null; ids: number[]; ended: boolean; t: number };

type WithoutTime<R> = R extends unknown ? Omit<R, 't'> : never;
export type HistoryEntry = WithoutTime<HistoryRecord>;

export function wallNow(): number {
  return Math.round(performance.timeOrigin + performance.now());
}

export function historyAppend(file: string, entry: HistoryEntry): void {
  appendFileSync(file, `${JSON.stringify({ ...entry, t: wallNow() })}\n`);
}

/** Many entries in one write (the harness acknowledges enqueues in batches). */
export function historyAppendMany(file: string, entries: HistoryEntry[]): void {
  if (entries.length === 0) return;
  const t = wallNow();
  appendFileSync(file, entries.map((e) => `${JSON.stringify({ ...e, t })}\n`).join(''));
}

/** Every record; a torn last line (a writer killed mid-write) is skipped, as it never completed. */
export function historyRead(file: string): HistoryRecord[] {
  if (!existsSync(file)) return [];
  const out: HistoryRecord[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    try {
      out.push(JSON.parse(line) as HistoryRecord);
    } catch {
      // only a line cut short by SIGKILL can fail to parse
    }
  }
  return out;
}
