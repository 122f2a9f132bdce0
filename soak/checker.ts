/**
 * The offline history checker: reads the outside history (history.ts) and the database (through the
 * public `Store` read methods, so one checker serves both backends) and reports every violation of
 * Longrun's three promises. It runs after a scenario has recovered; it never looks at timing luck,
 * only at what was recorded.
 *
 * - exactly one terminal state per job, never changed afterwards (the status events say so);
 * - no committed write (item, log line, step, finish) from an attempt after its lease was taken
 *   away: every write of attempt `a` is older than the start of attempt `a + 1`;
 * - no accepted job lost, none left unfinished;
 * - an item run twice only when the earlier run's attempt really lost its lease (`crashed`,
 *   `timed_out`); never twice by one attempt;
 * - a cancel the API acknowledged ends the job `cancelled`, and its worker started at most one
 *   item (the one in flight) after hearing it (the handler's `ctx.signal` aborted);
 * - every event stream read through restarts missed and repeated nothing (stream-check.ts).
 *
 * ```ts
 * const report = await checkHistory({ store, workspaceId: 'default', history: historyRead(file) });
 * if (report.violations.length) process.exitCode = 1;
 * ```
 */

import type { AttemptRecord, ItemRecord, JobEvent, LogEntry } from '../src/core/job.ts';
import { isTerminal } from '../src/core/status.ts';
import type { Store } from '../src/index.ts';
import type { HistoryRecord } from './history.ts';
import { checkStreams } from './stream-check.ts';

export interface CheckReport {
  jobs: number;
  /** Faults the harness or a faulty store recorded. */
  faults: number;
  lost: number;
  stuck: number;
  /** Item runs beyond the first that the rules allow (the earlier attempt lost its lease). */
  duplicatesAllowed: number;
  /** All item runs beyond the first. */
  duplicatesSeen: number;
  /** For each attempt that lost its lease to a fault: ms from the fault to the next attempt's start. */
  recoveriesMs: number[];
  /** For each acknowledged cancel of a running attempt: ms from the acknowledgement to the worker hearing it. */
  cancelDeliveriesMs: number[];
  violations: string[];
}

const LOST_LEASE = new Set(['crashed', 'timed_out']);
const PAGE = 1_000;

interface JobFacts {
  attempts: AttemptRecord[];
  nextStart: (attempt: number) => number;
}

export async function checkHistory(p: {
  store: Store;
  workspaceId: string;
  history: HistoryRecord[];
}): Promise<CheckReport> {
  const { store, workspaceId, history } = p;
  const report: CheckReport = {
    jobs: 0,
    faults: 0,
    lost: 0,
    stuck: 0,
    duplicatesAllowed: 0,
    duplicatesSeen: 0,
    recoveriesMs: [],
    cancelDeliveriesMs: [],
    violations: [],
  };
  const accepted = new Set<string>();
  const cancels = new Map<string, number>();
  const faults: number[] = [];
  const runs = new Map<string, Extract<HistoryRecord, { kind: 'item' }>[]>();
  for (const r of history) {
    if (r.kind === 'accepted') accepted.add(r.jobId);
    else if (r.kind === 'cancel') cancels.set(r.jobId, r.t);
    else if (r.kind === 'fault') faults.push(r.t);
    else if (r.kind === 'item') {
      const k = `${r.jobId}\u0000${r.key}`;
      const list = runs.get(k);
      if (list) list.push(r);
      else runs.set(k, [r]);
    }
  }
  faults.sort((a, b) => a - b);
  report.jobs = accepted.size;
  report.faults = faults.length;
  const facts = new Map<string, JobFacts>();
  for (const id of accepted) {
    const got = await store.jobGet({ workspaceId, id });
    if (!got) {
      report.lost++;
      report.violations.push(`${id}: accepted but not in the database (lost)`);
      continue;
    }
    const { job } = got;
    if (!isTerminal(job.status)) {
      report.stuck++;
      report.violations.push(`${id}: still ${job.status} after recovery (stuck)`);
    }
    const attempts = await store.attemptList({ jobId: id });
    const starts = new Map(attempts.map((a) => [a.attempt, a.startedAt]));
    const f: JobFacts = { attempts, nextStart: (a) => starts.get(a + 1) ?? Number.POSITIVE_INFINITY };
    facts.set(id, f);
    const v = (msg: string) => report.violations.push(`${id}: ${msg}`);
    await checkTerminalOnce(store, workspaceId, id, job.status, v);
    await checkFencedWrites(store, id, f, v);
    for (const a of attempts) {
      if (!a.outcome || !LOST_LEASE.has(a.outcome) || a.endedAt === null) continue;
      const next = starts.get(a.attempt + 1);
      const fault = lastAtOrBefore(faults, a.endedAt);
      if (next !== undefined && fault !== null) report.recoveriesMs.push(next - fault);
    }
    const cancelAck = cancels.get(id);
    if (cancelAck !== undefined) {
      if (job.status !== 'cancelled')
        v(`the API acknowledged a cancel (at ${cancelAck}) but the job ended ${job.status}`);
      // The store reads its clock inside the cancel's transaction, before the commit the
      // acknowledgement follows.
      if (job.cancelRequestedAt !== null && job.cancelRequestedAt > cancelAck)
        v(`cancel_requested_at ${job.cancelRequestedAt} is later than the acknowledgement at ${cancelAck}`);
      // A worker hears of a cancel committed elsewhere asynchronously (a NOTIFY waits for its
      // event loop; SQLite looks before each item): from then on it may finish the item in flight
      // and start no other. How long hearing took is a figure, not a rule.
      const heard = history.filter((r) => r.kind === 'heard' && r.jobId === id);
      for (const h of heard) {
        if (h.kind !== 'heard') continue;
        report.cancelDeliveriesMs.push(Math.max(0, h.t - cancelAck));
        const late = history.filter(
          (r) => r.kind === 'item' && r.jobId === id && r.attempt === h.attempt && r.t > h.t,
        );
        if (late.length > 1)
          v(
            `attempt ${h.attempt} started ${late.length} items after it heard the cancel (one may be in flight)`,
          );
      }
    }
  }
  for (const list of runs.values()) {
    const first = list[0];
    if (!first || list.length < 2) continue;
    const f = facts.get(first.jobId);
    const outcomeOf = (attempt: number) => f?.attempts.find((a) => a.attempt === attempt)?.outcome ?? null;
    const seenAttempts = new Set<number>();
    // Runs by attempts that kept their lease: at most one may exist; every other run must belong
    // to an attempt that lost its lease (a frozen worker may even run an item after the new owner).
    let kept = 0;
    for (const run of list) {
      if (seenAttempts.has(run.attempt)) {
        report.violations.push(`${run.jobId}: item ${run.key} ran twice in attempt ${run.attempt}`);
        continue;
      }
      seenAttempts.add(run.attempt);
      const outcome = outcomeOf(run.attempt);
      if (!(outcome && LOST_LEASE.has(outcome))) kept++;
    }
    const extra = seenAttempts.size - 1;
    report.duplicatesSeen += extra;
    if (kept <= 1) report.duplicatesAllowed += extra;
    else
      report.violations.push(
        `${first.jobId}: item ${first.key} ran in ${kept} attempts that did not lose their lease (${[...seenAttempts].map((a) => `${a}:${outcomeOf(a) ?? 'unfinished'}`).join(', ')})`,
      );
  }
  report.violations.push(...(await checkStreams(p)));
  return report;
}

/** The status events name one terminal status, the job's, and nothing moves after a `completedAt`. */
async function checkTerminalOnce(
  store: Store,
  workspaceId: string,
  jobId: string,
  finalStatus: string,
  v: (msg: string) => void,
): Promise<void> {
  const terminal = new Set<string>();
  let finishedAs: string | null = null;
  for await (const e of pages<JobEvent, number>(
    (after) => store.eventList({ workspaceId, jobId, after: after ?? 0, limit: PAGE, kinds: ['status'] }),
    (e) => e.id,
  )) {
    const status = String(e.data.status);
    if (finishedAs !== null && status !== finishedAs)
      v(`status changed from ${finishedAs} to ${status} after it ended`);
    if (isTerminal(status as never)) terminal.add(status);
    if (e.data.completedAt != null) finishedAs ??= status;
  }
  if (isTerminal(finalStatus as never) && (terminal.size !== 1 || !terminal.has(finalStatus)))
    v(`terminal status events ${[...terminal].join(', ') || 'none'} for a job that is ${finalStatus}`);
}

/** Every item, log line and step an attempt wrote is older than the next attempt's start. */
async function checkFencedWrites(store: Store, jobId: string, f: JobFacts, v: (msg: string) => void) {
  for await (const item of pages<ItemRecord, string>(
    (after) => store.itemList({ jobId, after, limit: PAGE }),
    (i) => i.key,
  )) {
    if (item.updatedAt > f.nextStart(item.attempt))
      v(`item ${item.key} written by attempt ${item.attempt} after attempt ${item.attempt + 1} started`);
  }
  for await (const line of pages<LogEntry, number>(
    (after) => store.logList({ jobId, after, limit: PAGE }),
    (l) => l.id,
  )) {
    if (line.timestamp > f.nextStart(line.attempt))
      v(
        `log line "${line.message}" of attempt ${line.attempt} committed after attempt ${line.attempt + 1} started`,
      );
  }
  for (const s of await store.stepList({ jobId })) {
    if (s.completedAt !== null && s.completedAt > f.nextStart(s.attempt))
      v(`step ${s.name} finished by attempt ${s.attempt} after attempt ${s.attempt + 1} started`);
  }
}

/** Reads a keyset-paged list to the end; `cursor` gives the next `after`. */
async function* pages<T, C>(
  read: (after: C | undefined) => Promise<T[]>,
  cursor: (row: T) => C,
): AsyncGenerator<T> {
  let after: C | undefined;
  for (;;) {
    const rows = await read(after);
    yield* rows;
    const last = rows.at(-1);
    if (rows.length < PAGE || last === undefined) return;
    after = cursor(last);
  }
}

function lastAtOrBefore(sorted: number[], t: number): number | null {
  let found: number | null = null;
  for (const x of sorted) {
    if (x > t) break;
    found = x;
  }
  return found;
}
