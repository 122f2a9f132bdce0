/**
 * Shared pieces of the storage conformance suite: the factory contract, a harness that gives each
 * test a fresh store on a fake clock, and small builders. Assertions go through the public `Store`
 * interface only, so the same test proves the same behaviour on every backend.
 */
import assert from 'node:assert/strict';
import { type FakeClock, fakeClock } from '../src/core/clock.ts';
import { isLongrunError } from '../src/core/errors.ts';
import { newJobId } from '../src/core/ids.ts';
import type { Job, JobEvent } from '../src/core/job.ts';
import { toJobJson } from '../src/core/job-json.ts';
import type { ClaimedJob, JobListParams, Lease, NewJob, Store } from '../src/store/types.ts';

export interface StoreFactoryOptions {
  /** Absent: the store runs on its own clock (the database's, for PostgreSQL). */
  clock?: FakeClock;
  maxLogsPerJob?: number;
}

export type StoreFactory = (opts: StoreFactoryOptions) => Promise<{ store: Store; cleanup(): Promise<void> }>;

/** A round, recognisable start time, so a wrong clock source shows up in failures at a glance. */
export const T0 = 1_700_000_000_000;

export interface Harness {
  store: Store;
  clock: FakeClock;
}

export type WithStore = (
  fn: (h: Harness) => Promise<void>,
  opts?: { maxLogsPerJob?: number; ownClock?: boolean },
) => Promise<void>;

export function harness(factory: StoreFactory): WithStore {
  return async (fn, opts = {}) => {
    const clock = fakeClock(T0);
    const made = await factory({
      ...(opts.ownClock ? {} : { clock }),
      ...(opts.maxLogsPerJob !== undefined ? { maxLogsPerJob: opts.maxLogsPerJob } : {}),
    });
    try {
      await fn({ store: made.store, clock });
    } finally {
      await made.store.close();
      await made.cleanup();
    }
  };
}

export function newJob(over: Partial<NewJob> = {}): NewJob {
  return {
    id: newJobId(),
    workspaceId: 'ws1',
    type: 't.a',
    category: 'seo',
    name: 'a job',
    input: { n: 1 },
    priority: 0,
    runAt: null,
    maxAttempts: 3,
    idempotencyKey: null,
    requestHash: null,
    ...over,
  };
}

export async function insert(store: Store, ...jobs: Partial<NewJob>[]): Promise<string[]> {
  const rows = jobs.map((j) => newJob(j));
  const res = await store.jobInsert({ jobs: rows });
  return res.map((r) => r.id);
}

export async function claim(
  store: Store,
  opts: { types?: string[]; limit?: number; leaseMs?: number; workerId?: string } = {},
): Promise<ClaimedJob[]> {
  return store.jobClaim({
    workerId: opts.workerId ?? 'w1',
    limit: opts.limit ?? 10,
    types: opts.types ?? ['t.a'],
    leaseMs: opts.leaseMs ?? 30_000,
  });
}

export async function claimOne(
  store: Store,
  opts: { types?: string[]; leaseMs?: number; workerId?: string } = {},
): Promise<ClaimedJob> {
  const [c] = await claim(store, { ...opts, limit: 1 });
  assert.ok(c, 'expected a job to claim');
  return c;
}

/** Inserts one job and claims it. */
export async function running(store: Store, over: Partial<NewJob> = {}, leaseMs = 30_000) {
  const [id] = await insert(store, { type: 't.run', ...over });
  const c = await claimOne(store, { types: [over.type ?? 't.run'], leaseMs });
  assert.equal(c.lease.jobId, id);
  return c;
}

export async function getJob(store: Store, id: string, workspaceId = 'ws1'): Promise<Job> {
  const found = await store.jobGet({ workspaceId, id });
  assert.ok(found, `job ${id} should exist`);
  return found.job;
}

export async function finish(store: Store, lease: Lease, outcome: 'completed' | 'failed' = 'completed') {
  const [r] = await store.jobFinish({ finishes: [{ lease, outcome, retryDelayMs: null }] });
  assert.ok(r?.applied, 'finish should apply');
  return r;
}

export async function expectError(p: Promise<unknown>, code: string): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    assert.ok(isLongrunError(err), `expected LongrunError ${code}, got ${String(err)}`);
    assert.equal(err.code, code);
    return err;
  }
  assert.fail(`expected LongrunError ${code}, but the call succeeded`);
}

/**
 * Every job of a workspace, walked page by page through the keyset cursor. Each page is read
 * twice, as objects and as JSON text, and the text must be the bytes of `JSON.stringify` of the
 * objects' public form (`jobListJson` is `jobList` in the API's form).
 */
export async function listAll(
  store: Store,
  params: Omit<JobListParams, 'limit' | 'before'>,
  pageSize = 7,
): Promise<Job[]> {
  const out: Job[] = [];
  let before: number | undefined;
  for (let guard = 0; guard < 10_000; guard++) {
    const query = { ...params, limit: pageSize, ...(before ? { before } : {}) };
    const page = await store.jobList(query);
    const asJson = await store.jobListJson(query);
    assert.equal(
      asJson.json,
      JSON.stringify(page.jobs.map(toJobJson)),
      'jobListJson writes what jobList lists',
    );
    assert.equal(asJson.next, page.next);
    assert.ok(page.jobs.length <= pageSize);
    out.push(...page.jobs);
    if (page.next === null) return out;
    assert.equal(page.jobs.length, pageSize, 'a page with a next cursor is full');
    before = page.next;
  }
  assert.fail('list walk did not end');
}

export async function allEvents(store: Store, workspaceId: string, jobId?: string): Promise<JobEvent[]> {
  return store.eventList({ workspaceId, after: 0, limit: 10_000, ...(jobId ? { jobId } : {}) });
}

export function assertIncreasing(ids: number[], what: string): void {
  for (let i = 1; i < ids.length; i++) {
    assert.ok((ids[i] ?? 0) > (ids[i - 1] ?? 0), `${what} must increase: ${ids.join(',')}`);
  }
}

/** Waits for `check` to be true, re-running `poke` meanwhile (a listener may connect late). */
export async function eventually(
  check: () => boolean,
  poke: () => Promise<void>,
  what: string,
  timeoutMs = 5_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await poke();
    const until = Date.now() + 150;
    while (!check() && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
  }
}
