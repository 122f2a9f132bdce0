/**
 * `/api/v1/schedules`: create, list, get with the next five fire times, pause and resume, edit and
 * delete; every bad field a 400 `invalid_input` naming it; scopes and workspaces as for jobs; and a
 * job a fire enqueued carries `scheduleId` in the jobs API. Runs on PostgreSQL too
 * (api-on-postgres.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ScheduleDetailSchema, ScheduleSchema } from '../src/api/schedules.ts';
import { Scheduler } from '../src/engine/scheduler.ts';
import { type ApiFixture, apiFixture } from './api-helpers.ts';

type ErrorBody = { error: { code: string; message: string; details?: { path?: string; message: string }[] } };

describe('schedules API', () => {
  let f: ApiFixture;
  before(async () => {
    f = await apiFixture();
  });
  after(() => f.close());

  const post = (body: unknown, key?: string) => f.req('/api/v1/schedules', { method: 'POST', body, key });
  const base = {
    type: 'test.idle',
    input: { n: 1 },
    cron: '30 2 * * *',
    timezone: 'Europe/Berlin',
    name: 'Nightly idle',
    overlap: 'skip',
    catchUp: 'latest',
  };

  async function errorOf(res: Response, status: number, code: string): Promise<string[]> {
    assert.equal(res.status, status);
    const body = (await res.json()) as ErrorBody;
    assert.equal(body.error.code, code, body.error.message);
    return (body.error.details ?? []).map((d) => d.path ?? '');
  }

  it('creates, lists, gets with the next five fire times, pauses, resumes and deletes', async () => {
    const res = await post(base);
    assert.equal(res.status, 201);
    const made = ScheduleSchema.parse(await res.json());
    assert.equal(res.headers.get('location'), `/api/v1/schedules/${made.id}`);
    assert.equal(made.paused, false);
    assert.equal(made.source, 'api');
    assert.deepEqual(made.input, { n: 1 });
    assert.ok(!('workspaceId' in made), 'nothing internal leaks');

    const list = (await (await f.req('/api/v1/schedules', { key: f.keys.read })).json()) as { id: string }[];
    assert.ok(list.some((s) => s.id === made.id));

    const got = ScheduleDetailSchema.parse(
      await (await f.req(`/api/v1/schedules/${made.id}`, { key: f.keys.read })).json(),
    );
    assert.equal(got.nextFireTimes.length, 5);
    assert.equal(got.nextFireTimes[0], made.nextFireAt);
    for (const t of got.nextFireTimes) {
      const local = new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Europe/Berlin',
        hour: '2-digit',
        minute: '2-digit',
      }).format(new Date(t));
      // 02:30, or 03:00 on the day 02:30 does not exist.
      assert.ok(local === '02:30' || local === '03:00', local);
    }

    const patch = (body: unknown) => f.req(`/api/v1/schedules/${made.id}`, { method: 'PATCH', body });
    const paused = ScheduleSchema.parse(await (await patch({ paused: true })).json());
    assert.equal(paused.paused, true);
    const edited = ScheduleSchema.parse(
      await (await patch({ paused: false, cron: '0 6 * * 1', timezone: 'UTC', name: null })).json(),
    );
    assert.deepEqual(
      [edited.paused, edited.cron, edited.timezone, edited.name],
      [false, '0 6 * * 1', 'UTC', null],
    );
    assert.equal(new Date(edited.nextFireAt!).getUTCDay(), 1, 'the cursor follows the new expression');

    assert.equal((await f.req(`/api/v1/schedules/${made.id}`, { method: 'DELETE' })).status, 204);
    await errorOf(await f.req(`/api/v1/schedules/${made.id}`), 404, 'not_found');
    await errorOf(await f.req(`/api/v1/schedules/${made.id}`, { method: 'DELETE' }), 404, 'not_found');
  });

  it('names every bad field in one 400', async () => {
    const all = await post({
      type: 'no.such.type',
      cron: '61 * * * *',
      timezone: 'Mars/Olympus_Mons',
    });
    assert.deepEqual((await errorOf(all, 400, 'invalid_input')).sort(), ['cron', 'timezone', 'type']);
    const input = await post({ ...base, input: { n: 'one' } });
    assert.deepEqual(await errorOf(input, 400, 'invalid_input'), ['input.n']);
    for (const cron of ['* * * *', '0 0 * * * *', '2030-01-01T00:00:00', 'every day', '0 0 30 2 *']) {
      const res = await post({ ...base, cron });
      assert.deepEqual(await errorOf(res, 400, 'invalid_input'), ['cron'], cron);
    }
    assert.deepEqual(await errorOf(await post({ ...base, timezone: 'CEST' }), 400, 'invalid_input'), [
      'timezone',
    ]);
    assert.deepEqual(await errorOf(await post({ ...base, overlap: 'queue' }), 400, 'invalid_input'), [
      'overlap',
    ]);
    assert.deepEqual(await errorOf(await post({ ...base, catchUp: 'some' }), 400, 'invalid_input'), [
      'catchUp',
    ]);
    await errorOf(await post({ ...base, every: 'day' }), 400, 'invalid_input');
    const { cron: _, ...noCron } = base;
    assert.deepEqual(await errorOf(await post(noCron), 400, 'invalid_input'), ['cron']);

    const made = ScheduleSchema.parse(await (await post(base)).json());
    const patch = (body: unknown) => f.req(`/api/v1/schedules/${made.id}`, { method: 'PATCH', body });
    await errorOf(await patch({}), 400, 'invalid_input');
    assert.deepEqual(await errorOf(await patch({ cron: 'nope' }), 400, 'invalid_input'), ['cron']);
    assert.deepEqual(await errorOf(await patch({ input: { n: [] } }), 400, 'invalid_input'), ['input.n']);
    await errorOf(await patch({ type: 'test.quick' }), 400, 'invalid_input');
    const after = ScheduleSchema.parse(await (await f.req(`/api/v1/schedules/${made.id}`)).json());
    assert.equal(after.updatedAt, made.updatedAt, 'a refused patch changed nothing');
  });

  it('needs a write key to change, and keeps each workspace to its own schedules', async () => {
    await errorOf(await post(base, f.keys.read), 403, 'forbidden');
    const made = ScheduleSchema.parse(await (await post(base, f.keys.write)).json());
    for (const [method, body] of [
      ['GET', undefined],
      ['PATCH', { paused: true }],
      ['DELETE', undefined],
    ] as const) {
      const res = await f.req(`/api/v1/schedules/${made.id}`, { method, body, key: f.keys.other });
      await errorOf(res, 404, 'not_found');
    }
    const theirs = (await (await f.req('/api/v1/schedules', { key: f.keys.other })).json()) as unknown[];
    assert.equal(theirs.length, 0);
    assert.equal((await f.longrun.schedules.get(made.id)).paused, false);
  });

  it('shows the schedule on the jobs its fires enqueue', async () => {
    const made = ScheduleSchema.parse(
      await (await post({ ...base, cron: '* * * * *', overlap: 'allow' })).json(),
    );
    // Rewind the cursor to the minute that began last (a fire on time), then let one scheduler tick.
    const now = await f.store.clockNow();
    const fire = Math.floor(now / 60_000) * 60_000;
    await f.store.scheduleUpdate({ workspaceId: 'default', id: made.id, patch: { nextFireAt: fire } });
    const scheduler = new Scheduler(f.store, f.longrun.registry);
    assert.equal(await scheduler.tick(), 1);
    const got = ScheduleSchema.parse(await (await f.req(`/api/v1/schedules/${made.id}`)).json());
    assert.ok(got.lastJobId);
    const job = (await (await f.req(`/api/v1/jobs/${got.lastJobId}`)).json()) as Record<string, unknown>;
    assert.equal(job.scheduleId, made.id);
    assert.equal(job.name, 'Nightly idle');
    const list = (await (await f.req('/api/v1/jobs?type=test.idle&limit=100')).json()) as Record<
      string,
      unknown
    >[];
    assert.equal(list.find((j) => j.id === got.lastJobId)?.scheduleId, made.id);
    assert.ok(list.filter((j) => j.id !== got.lastJobId).every((j) => j.scheduleId === null));
  });
});
