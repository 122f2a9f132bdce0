/**
 * `longrun webhooks …` against a real `longrun serve --webhooks-allow-private`: create prints the
 * secret once, a job's end reaches a local receiver signed with it, the delivery log, rotation,
 * delete; and `longrun serve` without the flag refuses a loopback target.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { LongrunClient } from '../src/client/index.ts';
import { cli, type Server, startServe } from './cli-helpers.ts';
import { tempDir, waitFor } from './helpers.ts';
import { Receiver } from './webhooks-helpers.ts';

describe('longrun webhooks', () => {
  let tmp: ReturnType<typeof tempDir>;
  let server: Server;
  let receiver: Receiver;
  let env: Record<string, string>;
  before(async () => {
    tmp = tempDir('longrun-cli-hooks-');
    receiver = await new Receiver().start();
    server = await startServe(join(tmp.dir, 'hooks.db'), ['--webhooks-allow-private']);
    env = { LONGRUN_URL: server.url, LONGRUN_KEY: server.key!, LONGRUN_CONFIG_DIR: tmp.dir, NO_COLOR: '1' };
  });
  after(async () => {
    if (server.proc.exitCode === null) server.proc.kill('SIGKILL');
    await receiver.close();
    tmp.cleanup();
  });

  it('create, list, get, deliveries, rotate-secret, delete', async () => {
    const created = await cli(
      ['webhooks', 'create', receiver.url, '--events', 'job.completed', '--type', 'test.noop'],
      env,
    );
    assert.equal(created.code, 0, created.stderr);
    const secret = created.stdout.trim();
    assert.match(secret, /^whsec_[A-Za-z0-9+/=]+$/, 'stdout is the secret alone');
    const id = /webhook ([0-9a-f-]{36})/.exec(created.stderr)?.[1];
    assert.ok(id, created.stderr);

    const client = new LongrunClient({ url: server.url, key: server.key! });
    const { job } = await client.createJob({ type: 'test.noop', input: {} });
    const [r] = await waitFor(
      'the delivery',
      () => (receiver.requests.length ? receiver.requests : null),
      30_000,
    );
    const headers = Object.fromEntries(
      ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((h) => [h, String(r!.headers[h])]),
    );
    const payload = new Webhook(secret).verify(r!.body, headers) as { type: string; data: { id: string } };
    assert.deepEqual([payload.type, payload.data.id], ['job.completed', job.id]);

    const listed = await cli(['webhooks', 'list'], env);
    assert.equal(listed.code, 0, listed.stderr);
    assert.ok(listed.stdout.includes(id) && listed.stdout.includes(receiver.url));
    assert.ok(!listed.stdout.includes(secret));
    const got = await cli(['webhooks', 'get', id, '--json'], env);
    assert.deepEqual(JSON.parse(got.stdout).types, ['test.noop']);

    const log = await waitFor('the log to show it delivered', async () => {
      const out = await cli(['webhooks', 'deliveries', id, '--json'], env);
      const rows = JSON.parse(out.stdout) as {
        status: string;
        attempts: number;
        lastStatusCode: number;
        jobId: string;
      }[];
      return rows[0]?.status === 'delivered' ? rows : null;
    });
    assert.deepEqual([log[0]?.jobId, log[0]?.attempts, log[0]?.lastStatusCode], [job.id, 1, 200]);
    const table = await cli(['webhooks', 'deliveries', id], env);
    assert.match(table.stdout, /job\.completed\s+delivered\s+1\s+200/);

    const rotated = await cli(['webhooks', 'rotate-secret', id, '--grace-ms', '0'], env);
    assert.equal(rotated.code, 0, rotated.stderr);
    assert.notEqual(rotated.stdout.trim(), secret);
    assert.match(rotated.stdout.trim(), /^whsec_/);

    const bad = await cli(['webhooks', 'create', 'ftp://example.com/', '--events', 'job.failed'], env);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /invalid_input/);

    assert.equal((await cli(['webhooks', 'delete', id], env)).code, 0);
    const gone = await cli(['webhooks', 'get', id], env);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /not_found/);
  });

  it('a server without --webhooks-allow-private refuses a loopback target', async () => {
    const strict = await startServe(join(tmp.dir, 'strict.db'), ['--workers', '0']);
    try {
      const res = await cli(['webhooks', 'create', receiver.url], {
        ...env,
        LONGRUN_URL: strict.url,
        LONGRUN_KEY: strict.key!,
      });
      assert.equal(res.code, 1);
      assert.match(res.stderr, /url_not_allowed/);
    } finally {
      strict.proc.kill('SIGKILL');
    }
  });
});
