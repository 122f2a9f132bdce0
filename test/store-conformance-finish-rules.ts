/**
 * Conformance: every store persists exactly what write-rules.ts's `planFinish` decides, over the
 * whole outcome grid (running or cancelled × four outcomes × retry delay or none × attempts left or
 * not × with buffered writes or without). On PostgreSQL a finish without writes takes the
 * one-statement SQL path and one with writes the fenced TypeScript path: this pins both to the rule.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FinishOutcome, JobFinish } from '../src/store/types.ts';
import { finishEventData, planFinish } from '../src/store/write-rules.ts';
import { allEvents, claim, insert, T0, type WithStore } from './store-conformance-helpers.ts';

interface Case {
  cancelled: boolean;
  outcome: FinishOutcome;
  retryDelayMs: number | null;
  maxAttempts: number;
  withWrites: boolean;
}

const OUTCOMES: FinishOutcome[] = ['completed', 'failed', 'timed_out', 'released'];

function grid(): Case[] {
  const out: Case[] = [];
  for (const cancelled of [false, true])
    for (const outcome of OUTCOMES)
      for (const retryDelayMs of [null, 5_000])
        for (const maxAttempts of [1, 3])
          for (const withWrites of [false, true])
            out.push({ cancelled, outcome, retryDelayMs, maxAttempts, withWrites });
  return out;
}

const label = (c: Case) =>
  `${c.cancelled ? 'cancelled' : 'running'}/${c.outcome}/delay ${c.retryDelayMs}/max ${c.maxAttempts}/${c.withWrites ? 'writes' : 'no writes'}`;

export function finishRuleTests(withStore: WithStore): void {
  describe('finish rules (pinned to write-rules.ts)', () => {
    it('persists planFinish for every case of the outcome grid, in one mixed batch', () =>
      withStore(async ({ store, clock }) => {
        const cases = grid();
        const ids = await insert(
          store,
          ...cases.map((c) => ({ type: 't.grid', maxAttempts: c.maxAttempts })),
        );
        const claimed = await claim(store, { types: ['t.grid'], limit: cases.length });
        assert.equal(claimed.length, cases.length);
        const byId = new Map(claimed.map((c) => [c.lease.jobId, c]));
        for (const [i, c] of cases.entries())
          if (c.cancelled) await store.jobCancel({ workspaceId: 'ws1', id: ids[i] ?? '' });
        clock.advance(1_000);
        const now = T0 + 1_000;

        const finishes: JobFinish[] = cases.map((c, i) => ({
          lease: byId.get(ids[i] ?? '')?.lease ?? assert.fail('not claimed'),
          outcome: c.outcome,
          retryDelayMs: c.retryDelayMs,
          error: c.outcome === 'completed' ? null : { code: 'boom', message: label(c) },
          ...(c.outcome === 'completed' ? { result: { i } } : {}),
          ...(c.withWrites
            ? {
                writes: {
                  logs: [{ level: 'info' as const, message: 'last words', step: null, timestamp: now }],
                },
              }
            : {}),
        }));
        const results = await store.jobFinish({ finishes });

        for (const [i, c] of cases.entries()) {
          const id = ids[i] ?? '';
          const plan = planFinish(
            {
              status: c.cancelled ? 'cancelled' : 'running',
              attempt: 1,
              releasedAttempts: 0,
              maxAttempts: c.maxAttempts,
              runAt: T0,
            },
            finishes[i] ?? assert.fail(),
            now,
          );
          const what = label(c);
          assert.deepEqual(results[i], { jobId: id, applied: true, status: plan.status }, what);
          const got = await store.jobGet({ workspaceId: 'ws1', id });
          assert.ok(got, what);
          assert.equal(got.job.status, plan.status, what);
          assert.equal(got.job.completedAt, plan.completedAt, what);
          assert.equal(got.job.runAt, plan.runAt, what);
          const attempts = await store.attemptList({ jobId: id });
          assert.deepEqual(
            attempts.map((a) => [a.attempt, a.outcome, a.error, a.endedAt]),
            [[1, plan.attemptOutcome, plan.attemptError, now]],
            what,
          );
          const status = (await allEvents(store, 'ws1', id)).filter((e) => e.kind === 'status').at(-1);
          // The event's data also names its attempt, which the rule does not decide.
          assert.deepEqual(status?.data, { ...finishEventData(plan), attempt: 1 }, what);
        }
      }));

    it('does not charge a released attempt: after a release, a failure still has a charged attempt left', () =>
      withStore(async ({ store, clock }) => {
        const [id] = await insert(store, { type: 't.rel', maxAttempts: 2 });
        const [first] = await claim(store, { types: ['t.rel'] });
        assert.ok(first && id);
        await store.jobFinish({ finishes: [{ lease: first.lease, outcome: 'released' }] });
        const [second] = await claim(store, { types: ['t.rel'] });
        assert.equal(second?.job.attempt, 2);
        clock.advance(10);
        const [r] = await store.jobFinish({
          finishes: [
            { lease: second?.lease ?? assert.fail(), outcome: 'failed', retryDelayMs: 1_000, error: null },
          ],
        });
        assert.equal(
          r?.status,
          'pending',
          'the released attempt is free: this failure is the first charged attempt of two',
        );
      }));
  });
}
