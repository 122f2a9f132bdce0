/**
 * Daylight-saving transitions. First the fire times croner computes (what docs/operations.md
 * promises): a fixed-time schedule in a skipped hour runs at the first valid time after the gap,
 * and in a repeated hour runs once, at the first occurrence. Then the schedulers themselves, three
 * per store on a fake clock walked in 15-minute steps through both transitions in Berlin and New
 * York: one job per fire time, none twice on fall-back, nothing lost on spring-forward.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { nextFireTimes, parseCron } from '../src/core/schedule.ts';
import type { ScheduleRecord } from '../src/store/schedule-types.ts';
import { iso, type Rig, type StoreKind, schedulerRig } from './schedule-helpers.ts';
import { pgSkipReason } from './store-postgres-helpers.ts';

const skipPg = await pgSkipReason();
const HOUR = 3_600_000;
const at = (s: string) => Date.parse(s);
const fires = (cron: string, timezone: string, from: string, n: number) =>
  nextFireTimes(parseCron({ cron, timezone }), at(from), n).map(iso);

describe('fire times across DST (croner)', () => {
  it('Europe/Berlin 30 2 * * *: 03:00 on the spring-forward day, once on the fall-back day', () => {
    assert.deepEqual(fires('30 2 * * *', 'Europe/Berlin', '2026-03-27T12:00:00Z', 3), [
      '2026-03-28T01:30:00.000Z', // 02:30 CET
      '2026-03-29T01:00:00.000Z', // 02:30 does not exist: 03:00 CEST
      '2026-03-30T00:30:00.000Z', // 02:30 CEST
    ]);
    assert.deepEqual(fires('30 2 * * *', 'Europe/Berlin', '2026-10-24T12:00:00Z', 2), [
      '2026-10-25T00:30:00.000Z', // 02:30 CEST, the first of the two; not again at 01:30Z (02:30 CET)
      '2026-10-26T01:30:00.000Z', // 02:30 CET
    ]);
  });

  it('America/New_York: 02:30 on the spring-forward day is 03:00 EDT; 01:30 on the fall-back day runs once', () => {
    assert.deepEqual(fires('30 2 * * *', 'America/New_York', '2026-03-07T00:00:00Z', 3), [
      '2026-03-07T07:30:00.000Z',
      '2026-03-08T07:00:00.000Z',
      '2026-03-09T06:30:00.000Z',
    ]);
    assert.deepEqual(fires('30 1 * * *', 'America/New_York', '2026-10-31T00:00:00Z', 3), [
      '2026-10-31T05:30:00.000Z',
      '2026-11-01T05:30:00.000Z', // 01:30 EDT; 01:30 EST (06:30Z) is the same wall time again
      '2026-11-02T06:30:00.000Z',
    ]);
  });

  it('an interval schedule runs at every real instant of the repeated hour, once each', () => {
    assert.deepEqual(fires('*/30 * * * *', 'Europe/Berlin', '2026-10-24T23:50:00Z', 5), [
      '2026-10-25T00:00:00.000Z', // 02:00 CEST
      '2026-10-25T00:30:00.000Z', // 02:30 CEST
      '2026-10-25T01:00:00.000Z', // 02:00 CET
      '2026-10-25T01:30:00.000Z', // 02:30 CET
      '2026-10-25T02:00:00.000Z', // 03:00 CET
    ]);
  });
});

/** Two-day windows around each transition; the clock jumps between them (catchUp none drops the gap). */
const WINDOWS = [
  ['2026-03-07T12:00:00Z', '2026-03-09T12:00:00Z'],
  ['2026-03-28T12:00:00Z', '2026-03-30T12:00:00Z'],
  ['2026-10-24T12:00:00Z', '2026-10-26T12:00:00Z'],
  ['2026-10-31T12:00:00Z', '2026-11-02T12:00:00Z'],
] as const;

for (const kind of ['sqlite', 'postgres'] as StoreKind[]) {
  describe(`the schedulers across DST on ${kind}`, { skip: kind === 'postgres' ? skipPg : undefined }, () => {
    let rig: Rig;
    before(async () => {
      rig = await schedulerRig(kind, { start: at(WINDOWS[0][0]) - HOUR });
    });
    after(() => rig?.close());

    it('enqueue one job per fire time through spring-forward and fall-back, in Berlin and New York', async () => {
      const zones = [
        ['Europe/Berlin', '30 2 * * *'],
        ['America/New_York', '30 2 * * *'],
        ['America/New_York', '30 1 * * *'],
      ] as const;
      const schedules: ScheduleRecord[] = [];
      for (const [timezone, cron] of zones)
        schedules.push(
          await rig.longrun.schedules.create({
            type: 'sched.report',
            input: { region: timezone },
            cron,
            timezone,
            overlap: 'allow',
            catchUp: 'none',
          }),
        );
      for (const [from, to] of WINDOWS) {
        await rig.jumpTo(at(from));
        while (rig.clock.now() < at(to)) await rig.advance(HOUR / 4);
      }
      for (const [i, [timezone, cron]] of zones.entries()) {
        const s = schedules[i]!;
        const got = (await rig.jobsOf(s.id)).map((j) => iso(j.runAt));
        const expected = WINDOWS.flatMap(([from, to]) =>
          fires(cron, timezone, from, 3).filter((t) => Date.parse(t) <= at(to)),
        );
        assert.equal(new Set(got).size, got.length, `${timezone} ${cron}: no fire time twice`);
        assert.deepEqual(got, expected, `${timezone} ${cron}`);
        assert.equal(got.length, 8, 'two fires in each two-day window');
      }
      const berlin = (await rig.jobsOf(schedules[0]!.id)).map((j) => iso(j.runAt));
      assert.ok(berlin.includes('2026-03-29T01:00:00.000Z'), 'the missing 02:30 ran at 03:00 CEST');
      assert.ok(berlin.includes('2026-10-25T00:30:00.000Z') && !berlin.includes('2026-10-25T01:30:00.000Z'));
    });
  });
}
