/**
 * Schedules in the engine, on SQLite and on PostgreSQL, each with three schedulers (three engines,
 * three stores) on one database and one fake clock: a fire enqueues exactly once however many
 * schedulers see it; overlap, catch-up and pause do what docs/operations.md says.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CATCH_UP_CAP } from '../src/core/schedule.ts';
import { iso, type Rig, type StoreKind, schedulerRig } from './schedule-helpers.ts';
import { pgSkipReason } from './store-postgres-helpers.ts';

const skipPg = await pgSkipReason();
const MIN = 60_000;
/** 2026-06-01T00:00:00Z, a Monday. */
const T0 = Date.UTC(2026, 5, 1);

for (const kind of ['sqlite', 'postgres'] as StoreKind[]) {
  describe(`schedules on ${kind}`, { skip: kind === 'postgres' ? skipPg : undefined }, () => {
    let rig: Rig;
    before(async () => {
      rig = await schedulerRig(kind, { start: T0 + 30_000 });
    });
    after(() => rig?.close());

    const create = (over: Record<string, unknown> = {}) =>
      rig.longrun.schedules.create({
        type: 'sched.report',
        input: { region: 'eu' },
        cron: '* * * * *',
        timezone: 'UTC',
        overlap: 'allow',
        ...over,
      });

    it('enqueues each fire time once across three schedulers', async () => {
      const s = await create({ name: 'every minute' });
      const start = rig.clock.now();
      for (let i = 0; i < 10; i++) await rig.advance(MIN / 4 + 7);
      // Also three ticks racing at one instant, on a fire none of them has handled yet.
      rig.clock.set(rig.clock.now() + MIN);
      await Promise.all(rig.engines.map((e) => e.runningScheduler!.tick()));
      await Promise.all(rig.engines.map((e) => e.runningScheduler!.tick()));
      const jobs = await rig.jobsOf(s.id);
      const fires = jobs.map((j) => j.runAt);
      const expected: number[] = [];
      for (let t = Math.ceil(start / MIN) * MIN; t <= rig.clock.now(); t += MIN) expected.push(t);
      assert.deepEqual(fires.map(iso), expected.map(iso), 'one job per fire time, none twice');
      assert.ok(jobs.every((j) => j.name === 'every minute' && j.scheduleId === s.id));
      const stored = await rig.longrun.schedules.get(s.id);
      assert.equal(stored.lastFireAt, expected.at(-1));
      assert.equal(stored.lastJobId, jobs.at(-1)?.id);
      assert.equal(stored.nextFireAt, (expected.at(-1) ?? 0) + MIN);
      await rig.longrun.schedules.delete(s.id);
    });

    it('gives the next five fire times, in the time zone', async () => {
      const s = await create({ cron: '0 9 * * 1-5', timezone: 'America/New_York' });
      const got = await rig.longrun.schedules.get(s.id);
      assert.equal(got.nextFireTimes.length, 5);
      for (const t of got.nextFireTimes) {
        const local = new Intl.DateTimeFormat('en-US', {
          timeZone: 'America/New_York',
          hour: '2-digit',
          minute: '2-digit',
          weekday: 'short',
          hour12: false,
        }).format(new Date(t));
        assert.match(local, /^(Mon|Tue|Wed|Thu|Fri) 09:00$/, local);
      }
      await rig.longrun.schedules.delete(s.id);
    });

    it('overlap skip: no new job while the previous one is pending', async () => {
      const s = await create({ overlap: 'skip' });
      await rig.advance(MIN);
      await rig.advance(MIN);
      await rig.advance(MIN);
      const jobs = await rig.jobsOf(s.id);
      assert.equal(jobs.length, 1, 'the first fire ran; the next two were skipped');
      await rig.longrun.cancel(jobs[0]!.id);
      await rig.advance(MIN);
      assert.equal((await rig.jobsOf(s.id)).length, 2, 'once it ended, the next fire enqueues');
      await rig.longrun.schedules.delete(s.id);
    });

    it('overlap cancel-previous: the pending job is cancelled, then the fire enqueues', async () => {
      const s = await create({ overlap: 'cancel-previous' });
      await rig.advance(MIN);
      await rig.advance(MIN);
      await rig.advance(MIN);
      const jobs = await rig.jobsOf(s.id);
      assert.deepEqual(
        jobs.map((j) => j.status),
        ['cancelled', 'cancelled', 'pending'],
      );
      assert.equal(jobs[0]?.cancelledBy, `schedule ${s.id}`);
      await rig.longrun.schedules.delete(s.id);
    });

    it('overlap allow: every fire enqueues', async () => {
      const s = await create({ overlap: 'allow' });
      for (let i = 0; i < 3; i++) await rig.advance(MIN);
      const jobs = await rig.jobsOf(s.id);
      assert.deepEqual(
        jobs.map((j) => j.status),
        ['pending', 'pending', 'pending'],
      );
      await rig.longrun.schedules.delete(s.id);
    });

    for (const [catchUp, expect] of [
      ['none', 0],
      ['latest', 1],
      ['all', CATCH_UP_CAP],
    ] as const) {
      it(`catchUp ${catchUp}: after ten hours of downtime enqueues ${expect} of the 121 missed fires`, async () => {
        const s = await create({ catchUp, cron: '*/5 * * * *' });
        const from = (await rig.longrun.schedules.get(s.id)).nextFireAt!;
        // Nothing ticks for ten hours; the schedulers come back 150 s after a fire: all 121 missed.
        await rig.jumpTo(from + 600 * MIN + 150_000);
        const jobs = await rig.jobsOf(s.id);
        const lastMissed = from + 600 * MIN;
        assert.equal(jobs.length, expect);
        if (catchUp === 'latest') assert.equal(iso(jobs[0]!.runAt), iso(lastMissed));
        if (catchUp === 'all') {
          assert.equal(iso(jobs.at(-1)!.runAt), iso(lastMissed), 'the newest missed fires are kept');
          assert.equal(iso(jobs[0]!.runAt), iso(lastMissed - 99 * 5 * MIN), 'the oldest 21 are dropped');
          assert.equal(new Set(jobs.map((j) => j.runAt)).size, CATCH_UP_CAP);
        }
        const stored = await rig.longrun.schedules.get(s.id);
        assert.equal(
          iso(stored.nextFireAt!),
          iso(from + 605 * MIN),
          'the cursor moves to the next future fire',
        );
        // A fire seen on time after the comeback runs in every mode.
        await rig.jumpTo(from + 605 * MIN + 10_000);
        assert.equal((await rig.jobsOf(s.id)).length, expect + 1);
        await rig.longrun.schedules.delete(s.id);
      });
    }

    it('pause stops fires; resume starts from now without catching up the paused time', async () => {
      const s = await create();
      await rig.advance(MIN);
      assert.equal((await rig.jobsOf(s.id)).length, 1);
      const paused = await rig.longrun.schedules.update(s.id, { paused: true });
      assert.equal(paused.paused, true);
      for (let i = 0; i < 5; i++) await rig.advance(MIN);
      assert.equal((await rig.jobsOf(s.id)).length, 1, 'no fire while paused');
      const resumed = await rig.longrun.schedules.update(s.id, { paused: false });
      assert.ok(resumed.nextFireAt! > rig.clock.now(), 'the cursor restarts after now');
      await rig.advance(MIN);
      assert.equal(
        (await rig.jobsOf(s.id)).length,
        2,
        'one fire after resuming, none for the paused minutes',
      );
      await rig.longrun.schedules.delete(s.id);
    });
  });
}
