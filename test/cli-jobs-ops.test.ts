/**
 * `longrun jobs retry`, bulk `jobs cancel` and `jobs create --priority --run-at` against a real
 * `longrun serve`: what they print, what they did on the server, and exit code 2 for bad flags.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LongrunClient } from '../src/client/index.ts';
import { cli, type Server, startServe } from './cli-helpers.ts';
import { tempDir, waitFor } from './helpers.ts';

describe('longrun jobs retry, bulk cancel, create --priority --run-at', () => {
  let tmp: ReturnType<typeof tempDir>;
  let server: Server;
  let client: LongrunClient;
  let env: Record<string, string>;
  const ended = (id: string) =>
    waitFor('the job to end', async () => (await client.getJob(id)).completedAt !== null, 30_000, 50);

  before(async () => {
    tmp = tempDir('longrun-ops-');
    server = await startServe(join(tmp.dir, 'ops.db'));
    client = new LongrunClient({ url: server.url, key: server.key! });
    env = { LONGRUN_URL: server.url, LONGRUN_KEY: server.key!, LONGRUN_CONFIG_DIR: tmp.dir, NO_COLOR: '1' };
  });
  after(() => {
    if (server.proc.exitCode === null) server.proc.kill('SIGKILL');
    tmp.cleanup();
  });

  it('jobs retry --failed-items creates a linked job that reruns only the failed items', async () => {
    const { job } = await client.createJob({ type: 'test.gated', input: { items: 6, failItems: [1, 4] } });
    await ended(job.id);
    const res = await cli(['jobs', 'retry', job.id, '--failed-items'], env);
    assert.equal(res.code, 0, res.stderr);
    const id = res.stdout.trim();
    assert.match(id, /^[0-9a-f-]{36}$/);
    await ended(id);
    const retry = await client.getJob(id);
    assert.equal(retry.retryOf, job.id);
    // The input still breaks items 1 and 4: they ran again, and only they did.
    assert.deepEqual(retry.progress, { total: 2, completed: 0, failed: 2 });
    const { items } = await client.listItems(id);
    assert.deepEqual(items.map((i) => i.key).sort(), ['item-1', 'item-4']);
    const get = await cli(['jobs', 'get', id], env);
    assert.match(get.stdout, new RegExp(`retry of +${job.id} \\(failed items only\\)`));
    const refused = await cli(
      ['jobs', 'retry', (await client.createJob({ type: 'test.noop', input: {} })).job.id],
      env,
    );
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /job_not_retryable|can be retried|is (pending|running|completed)/);
  });

  it('jobs cancel with filters cancels the matching jobs and says how many; again it cancels none', async () => {
    const later = String(Date.now() + 3_600_000);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const made = await cli(
        ['jobs', 'create', 'test.noop', '--run-at', later, '--priority', String(i)],
        env,
      );
      assert.equal(made.code, 0, made.stderr);
      ids.push(made.stdout.trim());
    }
    const shown = await cli(['jobs', 'get', ids[2] as string], env);
    assert.match(shown.stdout, /priority +2/);
    assert.match(shown.stdout, /runs at/);
    const first = await cli(['jobs', 'cancel', '--status', 'pending', '--type', 'test.noop'], env);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout.trim(), '3 cancelled');
    for (const id of ids) assert.equal((await client.getJob(id)).status, 'cancelled');
    const again = await cli(['jobs', 'cancel', '--type', 'test.noop', '--json'], env);
    assert.deepEqual(JSON.parse(again.stdout), { cancelled: 0, more: false });
    const empty = await cli(['jobs', 'cancel'], env);
    assert.equal(empty.code, 1);
    assert.match(empty.stderr, /all: true|--all|empty filter/);
  });

  it('refuses bad flags with exit code 2', async () => {
    for (const args of [
      ['jobs', 'create', 'test.noop', '--priority', 'high'],
      ['jobs', 'create', 'test.noop', '--run-at', 'tomorrow'],
      ['jobs', 'cancel', 'some-id', '--status', 'pending'],
      ['jobs', 'cancel', '--created-before', 'never'],
    ]) {
      const res = await cli(args, env);
      assert.equal(res.code, 2, `${args.join(' ')}: ${res.stderr}`);
    }
  });
});
