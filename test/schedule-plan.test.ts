/**
 * What a scheduler enqueues when it comes back after a long outage (core/schedule.ts `planFires`):
 * the on-time fire and the newest missed ones, wherever in its second the scheduler looks.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CATCH_UP_CAP, parseCron, planFires } from '../src/core/schedule.ts';

const MIN = 60_000;
/** 2026-06-01T12:00:00Z: a fire time of `* * * * *`. */
const T = Date.UTC(2026, 5, 1, 12);
const cron = parseCron({ cron: '* * * * *', timezone: 'UTC' });

describe('planFires after an outage', () => {
  // Inside the fire's first second croner's whole-second comparison used to drop it (1, 500, 998).
  for (const offset of [1, 500, 998, 999, 1_000, 30_000]) {
    it(`keeps the on-time fire and the newest ${CATCH_UP_CAP} missed, ${offset} ms after the fire`, () => {
      const plan = planFires({ cron, cursor: T - 180 * MIN, now: T + offset, catchUp: 'all' });
      assert.equal(plan.fires.at(-1), T, 'the fire on time');
      assert.equal(plan.fires.length, CATCH_UP_CAP + 1);
      assert.equal(plan.fires[0], T - CATCH_UP_CAP * MIN);
      assert.equal(plan.next, T + MIN);
    });
  }

  it('counts the fire a minute before as on time when the scheduler looks exactly at a fire', () => {
    const plan = planFires({ cron, cursor: T - 180 * MIN, now: T, catchUp: 'all' });
    assert.deepEqual(plan.fires.slice(-2), [T - MIN, T]);
    assert.equal(plan.fires.length, CATCH_UP_CAP + 2);
    assert.equal(plan.next, T + MIN);
  });

  it('with catchUp latest runs only the on-time fire, in its first second too', () => {
    const plan = planFires({ cron, cursor: T - 180 * MIN, now: T + 500, catchUp: 'latest' });
    assert.deepEqual(plan.fires, [T]);
  });
});
