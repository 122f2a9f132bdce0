/**
 * Schedules declared in code on `defineJob`: checked when defined, upserted as `code-<type>` in the
 * default workspace by every `start()`, kept (cursor and pause) while the declaration is unchanged,
 * replaced when it changes, deleted when the type stops declaring one; the code owns everything but
 * `paused`. On SQLite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { z } from 'zod';
import { isLongrunError } from '../src/core/errors.ts';
import { type AnyJobDefinition, type CodeSchedule, defineJob } from '../src/engine/define.ts';
import { createLongrun } from '../src/engine/longrun.ts';
import { type Rig, type StoreKind, schedulerRig } from './schedule-helpers.ts';
import { pgSkipReason } from './store-postgres-helpers.ts';

const skipPg = await pgSkipReason();
const MIN = 60_000;
const T0 = Date.UTC(2026, 5, 1, 12, 0, 30);

const input = z.object({ collection: z.string() }).strict();
const nightly = (schedule?: CodeSchedule<z.infer<typeof input>>) =>
  defineJob({
    type: 'code.nightly',
    category: 'export',
    input,
    ...(schedule ? { schedule } : {}),
    async run() {
      return null;
    },
  });

describe('defineJob({ schedule })', () => {
  it('refuses a bad expression, zone, mode or input where the job is defined', () => {
    const bad: [CodeSchedule<z.infer<typeof input>>, RegExp][] = [
      [{ cron: '61 * * * *', input: { collection: 'a' } }, /schedule\.cron/],
      [{ cron: '* * * * *', timezone: 'Moon/Base', input: { collection: 'a' } }, /schedule\.timezone/],
      [{ cron: '* * * * *', overlap: 'queue' as 'skip', input: { collection: 'a' } }, /overlap/],
      [{ cron: '* * * * *', catchUp: 'some' as 'all', input: { collection: 'a' } }, /catchUp/],
      [{ cron: '* * * * *' }, /schedule\.input/],
    ];
    for (const [schedule, message] of bad)
      assert.throws(
        () => nightly(schedule),
        (err) => isLongrunError(err, 'invalid_input') && message.test(err.message),
        JSON.stringify(schedule),
      );
  });
});

for (const kind of ['sqlite', 'postgres'] as StoreKind[]) {
  describe(`code schedules on ${kind}`, { skip: kind === 'postgres' ? skipPg : undefined }, () => {
    let rig: Rig | undefined;
    after(() => rig?.close());
    const declared = { cron: '*/5 * * * *', timezone: 'Europe/Berlin', input: { collection: 'orders' } };

    it('are upserted at start, keep their cursor and pause, follow the code, and refuse other changes', async () => {
      rig = await schedulerRig(kind, { start: T0, jobs: [nightly(declared)] });
      const { longrun } = rig;
      const s = await longrun.schedules.get('code-code.nightly');
      assert.deepEqual(
        [s.source, s.workspaceId, s.cron, s.timezone, s.overlap, s.catchUp],
        ['code', 'default', '*/5 * * * *', 'Europe/Berlin', 'skip', 'none'],
      );
      assert.deepEqual(s.input, { collection: 'orders' });
      assert.equal(s.nextFireAt, T0 - 30_000 + 5 * MIN, 'the next five-minute mark');

      // The code owns the definition: only a pause is the operator's.
      await assert.rejects(longrun.schedules.update(s.id, { cron: '0 * * * *' }), (e) =>
        isLongrunError(e, 'conflict'),
      );
      await assert.rejects(longrun.schedules.delete(s.id), (e) => isLongrunError(e, 'conflict'));
      await longrun.schedules.update(s.id, { paused: true });

      // A restart with the same declaration keeps the cursor and the pause.
      await rig.advance(10 * MIN);
      await rig.jumpTo(rig.clock.now() + MIN);
      const kept = await longrun.schedules.get(s.id);
      assert.deepEqual([kept.nextFireAt, kept.paused], [s.nextFireAt, true]);

      // Another engine starting with a changed declaration replaces it and restarts from now.
      const store = rig.stores[0]!;
      const start = async (jobs: AnyJobDefinition[]) => {
        const other = createLongrun({ store, jobs, clock: rig!.clock });
        other.start({
          types: [],
          reapIntervalMs: 86_400_000,
          pollIntervalMs: 60_000,
          flushIntervalMs: 60_000,
        });
        await other.runningScheduler?.idle();
        await other.stop({ graceMs: 0 });
      };
      await start([nightly({ ...declared, cron: '0 3 * * *', catchUp: 'latest' })]);
      const changed = await longrun.schedules.get(s.id);
      assert.deepEqual([changed.cron, changed.catchUp, changed.paused], ['0 3 * * *', 'latest', true]);
      assert.ok(changed.nextFireAt! > rig.clock.now());

      // A type that no longer declares a schedule loses its code schedule.
      await start([nightly()]);
      await assert.rejects(longrun.schedules.get(s.id), (e) => isLongrunError(e, 'not_found'));
    });
  });
}
