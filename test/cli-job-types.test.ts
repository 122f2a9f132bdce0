/**
 * `longrun job-types list|pause|resume` against a real `longrun serve` (with workers): the table
 * shows limits and pause state, a paused type's jobs stay pending while others run, resume runs
 * them, and an unknown type is an error line with exit code 1.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LongrunClient } from '../src/client/index.ts';
import { cli, FLOW_JOBS, type Server, startServe } from './cli-helpers.ts';
import { tempDir, waitFor } from './helpers.ts';

describe('longrun job-types', () => {
  const tmp = tempDir('longrun-cli-types-');
  let server: Server;
  let args: string[];
  before(async () => {
    server = await startServe(join(tmp.dir, 'types.db'), [], { jobs: FLOW_JOBS });
    assert.ok(server.key);
    args = ['--url', server.url, '--key', server.key];
  });
  after(async () => {
    if (server.proc.exitCode === null) server.proc.kill('SIGKILL');
    await server.exited;
    tmp.cleanup();
  });

  it('lists types with their concurrency limits, all active', async () => {
    const r = await cli(['job-types', 'list', ...args]);
    assert.equal(r.code, 0, r.stderr);
    const line = (type: string) => r.stdout.split('\n').find((l) => l.startsWith(`${type} `)) ?? '';
    assert.match(line('test.keyed'), /1 per key\s+active$/);
    assert.match(line('test.capped'), /\s3\s+active$/);
    assert.match(line('test.noop'), /\s-\s+active$/);
    const json = await cli(['job-types', 'list', '--json', ...args]);
    const types = JSON.parse(json.stdout) as { type: string; paused: boolean }[];
    assert.ok(types.every((t) => t.paused === false));
  });

  it('pause holds pending jobs while other types run; resume runs them', async () => {
    const paused = await cli(['job-types', 'pause', 'test.noop', ...args]);
    assert.equal(paused.code, 0, paused.stderr);
    assert.match(paused.stdout, /^test\.noop: paused \d{4}-\d\d-\d\d /);
    const again = await cli(['job-types', 'pause', 'test.noop', '--json', ...args]);
    assert.equal((JSON.parse(again.stdout) as { paused: boolean }).paused, true, 'idempotent');
    const list = await cli(['job-types', 'list', ...args]);
    assert.match(list.stdout, /^test\.noop .* paused /m);

    const client = new LongrunClient({ url: server.url, key: server.key! });
    const held = (await client.createJob({ type: 'test.noop', input: {} })).job.id;
    const other = (await client.createJob({ type: 'test.slow', input: { items: 1, itemMs: 1 } })).job.id;
    await waitFor(
      'the unpaused job completed',
      async () => (await client.getJob(other)).status === 'completed',
    );
    assert.equal((await client.getJob(held)).status, 'pending', 'the paused type waits');

    const resumed = await cli(['job-types', 'resume', 'test.noop', ...args]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(resumed.stdout.trim(), 'test.noop: active');
    await waitFor('the held job completed', async () => (await client.getJob(held)).status === 'completed');
  });

  it('an unknown type is an error line and exit code 1', async () => {
    const r = await cli(['job-types', 'pause', 'no.such', ...args]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error: not_found: job type no\.such not found/m);
  });
});
