/**
 * Conformance: schedules on every store. Create, get, list and patch round-trip every field; the
 * cursor moves only by compare-and-set; due schedules are filtered by time, pause and type; a code
 * schedule's upsert keeps the cursor and `paused` of an unchanged declaration; a job carries its
 * schedule id; `scheduleActiveJobs` sees pending and running jobs of the schedule, but not the fire
 * being handled.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NewSchedule } from '../src/store/schedule-types.ts';
import { claim, getJob, insert, T0, type WithStore } from './store-conformance-helpers.ts';

function newSchedule(over: Partial<NewSchedule> = {}): NewSchedule {
  return {
    id: 'sch-1',
    workspaceId: 'ws1',
    name: 'nightly "report"',
    type: 't.a',
    input: { region: 'eu', n: [1, 2.5] },
    cron: '30 2 * * *',
    timezone: 'Europe/Berlin',
    overlap: 'skip',
    catchUp: 'latest',
    paused: false,
    source: 'api',
    nextFireAt: T0 + 60_000,
    ...over,
  };
}

export function scheduleTests(withStore: WithStore): void {
  describe('schedules', () => {
    it('round-trips a schedule and scopes it to its workspace', () =>
      withStore(async ({ store }) => {
        const made = await store.scheduleCreate({ schedule: newSchedule() });
        assert.deepEqual(made, {
          ...newSchedule(),
          lastFireAt: null,
          lastJobId: null,
          createdAt: T0,
          updatedAt: T0,
        });
        assert.deepEqual(await store.scheduleGet({ workspaceId: 'ws1', id: 'sch-1' }), made);
        assert.equal(await store.scheduleGet({ workspaceId: 'ws2', id: 'sch-1' }), null);
        await store.scheduleCreate({ schedule: newSchedule({ id: 'sch-2', name: null, paused: true }) });
        await store.scheduleCreate({ schedule: newSchedule({ id: 'sch-3', workspaceId: 'ws2' }) });
        const listed = await store.scheduleList({ workspaceId: 'ws1', limit: 10 });
        assert.deepEqual(
          listed.map((s) => [s.id, s.paused, s.name]),
          [
            ['sch-1', false, 'nightly "report"'],
            ['sch-2', true, null],
          ],
        );
        assert.equal(await store.scheduleDelete({ workspaceId: 'ws2', id: 'sch-1' }), false);
        assert.equal(await store.scheduleDelete({ workspaceId: 'ws1', id: 'sch-1' }), true);
        assert.equal(await store.scheduleGet({ workspaceId: 'ws1', id: 'sch-1' }), null);
      }));

    it('patches only the given fields', () =>
      withStore(async ({ store, clock }) => {
        await store.scheduleCreate({ schedule: newSchedule() });
        clock.advance(5_000);
        const patched = await store.scheduleUpdate({
          workspaceId: 'ws1',
          id: 'sch-1',
          patch: { paused: true, input: { region: 'us' }, overlap: 'cancel-previous', nextFireAt: T0 + 1 },
        });
        assert.equal(patched?.paused, true);
        assert.deepEqual(patched?.input, { region: 'us' });
        assert.equal(patched?.overlap, 'cancel-previous');
        assert.equal(patched?.nextFireAt, T0 + 1);
        assert.equal(patched?.cron, '30 2 * * *');
        assert.equal(patched?.updatedAt, T0 + 5_000);
        assert.equal(
          await store.scheduleUpdate({ workspaceId: 'ws2', id: 'sch-1', patch: { paused: false } }),
          null,
        );
      }));

    it('lists due schedules by time, pause and type, and moves a cursor only from where it is', () =>
      withStore(async ({ store }) => {
        await store.scheduleCreate({ schedule: newSchedule({ id: 'a', nextFireAt: T0 - 1 }) });
        await store.scheduleCreate({ schedule: newSchedule({ id: 'b', nextFireAt: T0 + 1 }) });
        await store.scheduleCreate({ schedule: newSchedule({ id: 'c', nextFireAt: T0 - 2, paused: true }) });
        await store.scheduleCreate({ schedule: newSchedule({ id: 'd', nextFireAt: T0 - 3, type: 't.b' }) });
        await store.scheduleCreate({ schedule: newSchedule({ id: 'e', nextFireAt: null }) });
        const due = await store.scheduleDue({ now: T0, types: ['t.a'], limit: 10 });
        assert.deepEqual(
          due.map((s) => s.id),
          ['a'],
        );
        const both = await store.scheduleDue({ now: T0, types: ['t.a', 't.b'], limit: 10 });
        assert.deepEqual(
          both.map((s) => s.id),
          ['d', 'a'],
        );
        assert.deepEqual(await store.scheduleDue({ now: T0, types: [], limit: 10 }), []);

        const fire = { at: T0 - 1, jobId: 'job-1' };
        assert.equal(
          await store.scheduleAdvance({ id: 'a', from: T0 - 1, to: T0 + 100, lastFire: fire }),
          true,
        );
        assert.equal(
          await store.scheduleAdvance({ id: 'a', from: T0 - 1, to: T0 + 200, lastFire: null }),
          false,
        );
        const a = await store.scheduleGet({ workspaceId: 'ws1', id: 'a' });
        assert.deepEqual([a?.nextFireAt, a?.lastFireAt, a?.lastJobId], [T0 + 100, T0 - 1, 'job-1']);
        assert.equal(
          await store.scheduleAdvance({ id: 'a', from: T0 + 100, to: null, lastFire: null }),
          true,
        );
        const done = await store.scheduleGet({ workspaceId: 'ws1', id: 'a' });
        assert.deepEqual(
          [done?.nextFireAt, done?.lastJobId],
          [null, 'job-1'],
          'a move without a fire keeps the last',
        );
      }));

    it("upserts a code schedule: an unchanged declaration keeps its cursor and the operator's pause", () =>
      withStore(async ({ store }) => {
        const declared = newSchedule({ id: 'code-t.a', workspaceId: 'default', source: 'code', name: null });
        const first = await store.scheduleUpsert({ schedule: declared });
        assert.equal(first.changed, true);
        await store.scheduleUpdate({ workspaceId: 'default', id: 'code-t.a', patch: { paused: true } });
        await store.scheduleAdvance({ id: 'code-t.a', from: T0 + 60_000, to: T0 + 120_000, lastFire: null });
        const again = await store.scheduleUpsert({ schedule: { ...declared, nextFireAt: T0 + 999 } });
        assert.equal(again.changed, false);
        assert.equal(again.schedule.nextFireAt, T0 + 120_000);
        assert.equal(again.schedule.paused, true);
        const edited = await store.scheduleUpsert({
          schedule: { ...declared, cron: '0 3 * * *', nextFireAt: T0 + 5_000 },
        });
        assert.equal(edited.changed, true);
        assert.deepEqual(
          [edited.schedule.cron, edited.schedule.nextFireAt, edited.schedule.paused],
          ['0 3 * * *', T0 + 5_000, true],
        );
      }));

    it("records a job's schedule and finds the schedule's pending and running jobs", () =>
      withStore(async ({ store }) => {
        const [plain, first, second, done] = await insert(
          store,
          { type: 't.x' },
          { type: 't.x', scheduleId: 'sch-1', idempotencyKey: 'schedule:sch-1:1' },
          { type: 't.y', scheduleId: 'sch-1', idempotencyKey: 'schedule:sch-1:2' },
          { type: 't.z', scheduleId: 'sch-1' },
        );
        assert.equal((await getJob(store, plain!)).scheduleId, null);
        assert.equal((await getJob(store, first!)).scheduleId, 'sch-1');
        const [claimed] = await claim(store, { types: ['t.z'] });
        await store.jobFinish({ finishes: [{ lease: claimed!.lease, outcome: 'completed' }] });
        await claim(store, { types: ['t.y'] });
        const active = (p: { exceptKey?: string } = {}) =>
          store.scheduleActiveJobs({ workspaceId: 'ws1', scheduleId: 'sch-1', ...p });
        assert.deepEqual(await active(), [first, second], `not the completed ${done}`);
        assert.deepEqual(await active({ exceptKey: 'schedule:sch-1:2' }), [first]);
        assert.deepEqual(await store.scheduleActiveJobs({ workspaceId: 'ws2', scheduleId: 'sch-1' }), []);
      }));
  });
}
