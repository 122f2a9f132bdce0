/**
 * `longrun serve` as a user starts it: no `--db` (so `./data/longrun.db` under the working
 * directory), settings split over a config file, `LONGRUN_*` and flags, and stopped with Ctrl-C.
 * The precedence itself is unit-tested in cli-config.test.ts; this proves the real command applies
 * it (commander's own defaults must not mask the file or the environment). And a drain: SIGTERM
 * closes the port at once while a running item still finishes.
 */
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createSqliteStore } from '../src/store/sqlite/index.ts';
import { spawnServe, startServe } from './cli-helpers.ts';
import { tempDir, waitFor } from './helpers.ts';

describe('longrun serve configured by file, environment and flags', () => {
  const tmp = tempDir();
  after(() => tmp.cleanup());

  it('applies flags over env over file, stores under ./data, and stops on SIGINT', {
    timeout: 60_000,
  }, async () => {
    // The file asks for port 65000, examples and a tiny rate limit; the environment overrides the
    // port and the examples; a flag overrides the examples again.
    writeFileSync(
      join(tmp.dir, 'longrun.config.json'),
      JSON.stringify({
        port: 65_000,
        host: '127.0.0.1',
        workers: 1,
        examples: true,
        rateLimit: { perMinute: 1, burst: 3 },
      }),
    );
    const server = await spawnServe(['--no-examples'], {
      cwd: tmp.dir,
      // Empty counts as unset: CI exports DATABASE_URL, which would otherwise pick the database.
      env: { LONGRUN_PORT: '0', LONGRUN_EXAMPLES: 'true', DATABASE_URL: '', LONGRUN_DB: '' },
    });
    try {
      assert.notEqual(new URL(server.url).port, '65000', 'LONGRUN_PORT beats the file');
      assert.ok(existsSync(join(tmp.dir, 'data', 'longrun.db')), 'the default database is ./data/longrun.db');
      assert.ok(server.key, 'first start prints an admin key');
      const get = (path: string) =>
        fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${server.key}` } });

      const types = await get('/api/v1/job-types');
      assert.deepEqual(await types.json(), [], '--no-examples beats LONGRUN_EXAMPLES=true and the file');
      // Burst 3 from the file, refilling one a minute: the two requests after that one leave nothing
      // for a fourth.
      assert.equal((await get('/api/v1/jobs')).status, 200);
      assert.equal((await get('/api/v1/jobs')).status, 200);
      const limited = await get('/api/v1/jobs');
      assert.equal(limited.status, 429, "the file's rate limit reached the server");
      assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    } finally {
      server.proc.kill('SIGINT');
    }
    assert.equal(await server.exited, 0, 'SIGINT shuts down cleanly');
    assert.ok(
      server.stderr.some((l) => l.includes('"stopped"')),
      server.stderr.join('\n'),
    );
  });

  it('stops accepting connections at once on SIGTERM while a running item finishes', {
    timeout: 60_000,
  }, async () => {
    const server = await startServe(join(tmp.dir, 'drain.db'));
    let id = '';
    try {
      const headers = { authorization: `Bearer ${server.key}`, 'content-type': 'application/json' };
      const created = await fetch(`${server.url}/api/v1/jobs`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ type: 'test.slow', input: { items: 1, itemMs: 4_000 } }),
      });
      ({ id } = (await created.json()) as { id: string });
      const job = async () =>
        (await (await fetch(`${server.url}/api/v1/jobs/${id}`, { headers })).json()) as {
          status: string;
          currentStep: string | null;
        };
      await waitFor('the item to start', async () => (await job()).currentStep === 'process');
      server.proc.kill('SIGTERM');
      await waitFor('shutdown to begin', () => server.stderr.some((l) => l.includes('shutting down')));
      // The item still has seconds to go (4 s, a wide margin for a slow machine), and the process is
      // alive for it, but the port is closed.
      await assert.rejects(fetch(`${server.url}/healthz`), /fetch failed/);
      assert.equal(server.proc.exitCode, null, 'still draining');
    } catch (err) {
      // Not SIGTERM again: a second signal is the server's "exit at once", which this test is not about.
      server.proc.kill('SIGKILL');
      throw err;
    }
    assert.equal(await server.exited, 0);
    const store = await createSqliteStore({ path: join(tmp.dir, 'drain.db') });
    try {
      const after = await store.jobGet({ workspaceId: 'default', id });
      assert.equal(after?.job.status, 'completed', 'the running item was allowed to finish');
    } finally {
      await store.close();
    }
  });
});
