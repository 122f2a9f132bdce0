/**
 * `longrun schedules …` against a real `longrun serve`: create (and its 400s, one line per field),
 * list, get with the next fire times in the zone, pause, resume, delete; the server's own scheduler
 * fires a due schedule, and `longrun jobs get` shows the job's schedule.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LongrunClient } from '../src/client/index.ts';
import { createSqliteStore } from '../src/store/sqlite/index.ts';
import { cli, type Server, startServe } from './cli-helpers.ts';
import { tempDir, waitFor } from './helpers.ts';

describe('longrun schedules', () => {
  let tmp: ReturnType<typeof tempDir>;
  let server: Server;
  let env: Record<string, string>;
  let db: string;

  before(async () => {
    tmp = tempDir('longrun-sched-cli-');
    db = join(tmp.dir, 'sched.db');
    server = await startServe(db);
    env = { LONGRUN_URL: server.url, LONGRUN_KEY: server.key!, LONGRUN_CONFIG_DIR: tmp.dir, NO_COLOR: '' };
  });
  after(() => {
    if (server.proc.exitCode === null) server.proc.kill('SIGKILL');
    tmp.cleanup();
  });

  it('creates, lists, shows, pauses, resumes and deletes', async () => {
    const bad = await cli(
      ['schedules', 'create', 'no.such', '--cron', '* * *', '--timezone', 'Nowhere/City'],
      env,
    );
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /invalid_input/);
    for (const field of ['type', 'cron', 'timezone']) assert.match(bad.stderr, new RegExp(`- ${field} `));

    const made = await cli(
      [
        'schedules',
        'create',
        'test.noop',
        '--cron',
        '30 2 * * *',
        '--timezone',
        'Europe/Berlin',
        '--input',
        '{"n":1}',
        '--name',
        'Nightly',
      ],
      env,
    );
    assert.equal(made.code, 0, made.stderr);
    const id = made.stdout.trim();

    const list = await cli(['schedules', 'list'], env);
    assert.match(
      list.stdout,
      new RegExp(`${id}\\s+active\\s+.*30 2 \\* \\* \\*\\s+Europe/Berlin\\s+test.noop \\(Nightly\\)`),
    );

    const got = await cli(['schedules', 'get', id], env);
    assert.equal(got.code, 0, got.stderr);
    const local = got.stdout.split('\n').filter((l) => l.startsWith('  ') && l.includes('Europe/Berlin)'));
    assert.equal(local.length, 5, got.stdout);
    for (const l of local) assert.match(l, /(02:30|03:00) Europe\/Berlin\)$/);

    assert.match((await cli(['schedules', 'pause', id], env)).stdout, new RegExp(`^${id} paused`));
    assert.match(
      (await cli(['schedules', 'resume', id], env)).stdout,
      new RegExp(`^${id} active, next fire`),
    );
    const json = JSON.parse((await cli(['schedules', 'get', id, '--json'], env)).stdout) as {
      paused: boolean;
    };
    assert.equal(json.paused, false);
    assert.match((await cli(['schedules', 'delete', id], env)).stdout, /^deleted /);
    const gone = await cli(['schedules', 'get', id], env);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /not_found/);
  });

  it("is fired by the server's scheduler, and jobs get shows the schedule", async () => {
    const made = await cli(
      ['schedules', 'create', 'test.noop', '--cron', '* * * * *', '--overlap', 'allow'],
      env,
    );
    const id = made.stdout.trim();
    // Rewind its cursor to the minute that began last (a fire on time) from another process.
    const store = await createSqliteStore({ path: db });
    try {
      const now = await store.clockNow();
      await store.scheduleUpdate({
        workspaceId: 'default',
        id,
        patch: { nextFireAt: Math.floor(now / 60_000) * 60_000 },
      });
    } finally {
      await store.close();
    }
    const client = new LongrunClient({ url: server.url, key: server.key! });
    const jobId = await waitFor('the fire', async () => (await client.getSchedule(id)).lastJobId, 20_000, 50);
    const shown = await cli(['jobs', 'get', jobId], env);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, new RegExp(`^schedule\\s+${id}$`, 'm'));
  });
});
