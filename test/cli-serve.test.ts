/**
 * The real thing: `longrun serve` as a child process on a free port and a temp SQLite file. Over
 * real HTTP it creates a job, watches it to completion over SSE, cancels another; the `jobs` and
 * `keys` commands run as processes too; SIGTERM shuts down cleanly; a restart prints no new key.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LongrunClient } from '../src/client/index.ts';
import { createSqliteStore } from '../src/store/sqlite/index.ts';
import { cli, type Server, startServe } from './cli-helpers.ts';
import { tempDir, waitFor } from './helpers.ts';

describe('longrun serve (child process)', () => {
  let tmp: ReturnType<typeof tempDir>;
  let db: string;
  let server: Server;
  before(async () => {
    tmp = tempDir('longrun-cli-');
    db = join(tmp.dir, 'serve.db');
    server = await startServe(db, ['--grace-ms', '300']);
  });
  after(async () => {
    if (server.proc.exitCode === null) server.proc.kill('SIGKILL');
    tmp.cleanup();
  });

  it('prints the URL and, on first start, an admin key once', async () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(server.key ?? '', /^lr_[0-9a-f]{8}_[0-9a-f]{64}$/);
    const health = await fetch(`${server.url}/healthz`);
    assert.equal(health.status, 200);
    assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
  });

  it('creates a job over HTTP, watches it to completion over SSE, and cancels another', async () => {
    const headers = { authorization: `Bearer ${server.key}`, 'content-type': 'application/json' };
    const created = await fetch(`${server.url}/api/v1/jobs`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ type: 'test.slow', input: { items: 8, itemMs: 20 } }),
    });
    assert.equal(created.status, 201);
    assert.match(
      created.headers.get('x-request-id') ?? '',
      /^[0-9a-f-]{36}$/,
      'a request id on a real socket',
    );
    const job = (await created.json()) as { id: string };
    const echoed = await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'trace-42' } });
    assert.equal(echoed.headers.get('x-request-id'), 'trace-42', "the caller's own id comes back");

    const client = new LongrunClient({ url: server.url, key: server.key! });
    const seen: string[] = [];
    let final: Record<string, unknown> | null = null;
    for await (const e of client.jobEvents(job.id)) {
      seen.push(e.event);
      if (e.event === 'status') final = e.data;
    }
    assert.equal(seen[0], 'snapshot');
    assert.equal(seen[seen.length - 1], 'end');
    assert.ok(seen.includes('progress'));
    assert.equal(final?.status, 'completed');
    const done = await client.getJob(job.id);
    assert.deepEqual(done.progress, { total: 8, completed: 8, failed: 0 });
    assert.deepEqual(done.result, { processed: 8 });

    const long = await client.createJob({ type: 'test.slow', input: { items: 10_000, itemMs: 50 } });
    await waitFor(
      'the long job to make progress',
      async () => (await client.getJob(long.job.id)).progress.completed > 0,
    );
    const cancel = await fetch(`${server.url}/api/v1/jobs/${long.job.id}/cancel`, {
      method: 'POST',
      headers: { authorization: headers.authorization },
    });
    assert.equal(cancel.status, 200);
    assert.deepEqual(await cancel.json(), { id: long.job.id, status: 'cancelled' });
    const stopped = await waitFor('the worker to stop', async () => {
      const j = await client.getJob(long.job.id);
      return j.completedAt !== null ? j : null;
    });
    assert.equal(stopped.status, 'cancelled');
    assert.ok(stopped.progress.completed < 10_000);
    assert.deepEqual(
      stopped.attempts.map((a) => a.outcome),
      ['cancelled'],
    );
  });

  it('runs `longrun jobs` commands through the client', async () => {
    const env = { LONGRUN_URL: server.url, LONGRUN_KEY: server.key! };
    const created = await cli(
      ['jobs', 'create', 'test.noop', '--input', '{"n":1}', '--idempotency-key', 'cli-1'],
      env,
    );
    assert.equal(created.code, 0, created.stderr);
    const id = created.stdout.trim();
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'a UUIDv7');
    const again = await cli(
      ['jobs', 'create', 'test.noop', '--input', '{"n":1}', '--idempotency-key', 'cli-1'],
      env,
    );
    assert.equal(again.stdout.trim(), id, 'same idempotency key, same job');

    const watched = await cli(['jobs', 'watch', id], env);
    assert.equal(watched.code, 0, watched.stderr);
    assert.match(watched.stdout, /finished: completed/);

    const list = await cli(['jobs', 'list', '--status', 'completed', '--json'], env);
    assert.equal(list.code, 0, list.stderr);
    assert.ok((JSON.parse(list.stdout) as { id: string }[]).some((j) => j.id === id));
    assert.equal((await cli(['jobs', 'create', 'test.noop'], env)).code, 0);
    assert.equal((await cli(['jobs', 'create', 'test.noop'], env)).code, 0);
    const table = await cli(['jobs', 'list', '--limit', '2'], env);
    assert.match(table.stdout, /^ID\s+STATUS/);
    assert.match(table.stderr, /more: --cursor /);

    const got = await cli(['jobs', 'get', id], env);
    assert.match(got.stdout, /status\s+completed/);

    const cancelDone = await cli(['jobs', 'cancel', id], env);
    assert.equal(cancelDone.code, 1);
    assert.match(cancelDone.stderr, /job_not_cancellable/);
    const later = (
      await cli(['jobs', 'create', 'test.noop', '--run-at', String(Date.now() + 3_600_000)], env)
    ).stdout.trim();
    assert.equal((await cli(['jobs', 'cancel', later], env)).code, 0);
    const cancelled = await cli(['jobs', 'get', later], env);
    assert.match(cancelled.stdout, /status\s+cancelled \(cancel requested .* by bootstrap admin\)/);
    const bad = await cli(['jobs', 'list', '--limit', '500'], env);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /invalid_input: .*limit must be an integer from 1 to 100/);
    const noKey = await cli(['jobs', 'list', '--url', server.url], { LONGRUN_KEY: '' });
    assert.equal(noKey.code, 2);
  });

  it('manages keys with `longrun keys` on the same database', async () => {
    const created = await cli([
      'keys',
      'create',
      '--workspace',
      'team-a',
      '--scope',
      'read',
      '--name',
      'dash',
      '--db',
      db,
    ]);
    assert.equal(created.code, 0, created.stderr);
    const key = created.stdout.trim();
    assert.match(key, /^lr_[0-9a-f]{8}_[0-9a-f]{64}$/);
    const listRes = await fetch(`${server.url}/api/v1/jobs`, { headers: { authorization: `Bearer ${key}` } });
    assert.equal(listRes.status, 200);
    assert.deepEqual(await listRes.json(), [], 'a new workspace has no jobs');
    const forbidden = await fetch(`${server.url}/api/v1/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}` },
    });
    assert.equal(forbidden.status, 403);

    const list = await cli(['keys', 'list', '--workspace', 'team-a', '--json', '--db', db]);
    const keys = JSON.parse(list.stdout) as { id: string; scope: string; name: string }[];
    assert.equal(keys.length, 1);
    assert.equal(keys[0]!.name, 'dash');
    assert.ok(!list.stdout.includes(key.slice(12)), 'secrets are never listed');
    const revoked = await cli(['keys', 'revoke', keys[0]!.id, '--db', db]);
    assert.equal(revoked.code, 0, revoked.stderr);
    // Another process revoked it: the server's key cache (1 s) lets it lapse within that time.
    await waitFor(
      'the revoked key is refused',
      async () =>
        (await fetch(`${server.url}/api/v1/jobs`, { headers: { authorization: `Bearer ${key}` } })).status ===
        401,
      5_000,
    );
    const badScope = await cli(['keys', 'create', '--workspace', 'x', '--scope', 'root', '--db', db]);
    assert.equal(badScope.code, 2);
  });

  it('shuts down on SIGTERM: streams closed, no job left running, exit 0; a restart prints no key', async () => {
    const client = new LongrunClient({ url: server.url, key: server.key! });
    const long = await client.createJob({ type: 'test.slow', input: { items: 10_000, itemMs: 50 } });
    await waitFor('it runs', async () => (await client.getJob(long.job.id)).status === 'running');
    const events = client.jobEvents(long.job.id, { maxReconnects: 0 });
    assert.equal((await events.next()).value?.event, 'snapshot');
    server.proc.kill('SIGTERM');
    assert.equal(await server.exited, 0);
    assert.ok(
      server.stderr.some((l) => l.includes('"stopped"')),
      server.stderr.join('\n'),
    );
    // The stream ended with the server (no `end`: the job is not over); no reconnects allowed.
    await assert.rejects(async () => {
      for await (const _ of events) {
        // drain
      }
    });
    const store = await createSqliteStore({ path: db });
    try {
      const job = (await store.jobGet({ workspaceId: 'default', id: long.job.id }))!.job;
      assert.equal(job.status, 'pending', 'released for another worker, not left running');
    } finally {
      await store.close();
    }
    const again = await startServe(db);
    try {
      assert.equal(again.key, null, 'the admin key is printed only on first start');
      assert.ok(again.stdout.some((l) => l.includes('longrun keys create')));
    } finally {
      again.proc.kill('SIGTERM');
      assert.equal(await again.exited, 0);
    }
  });
});
