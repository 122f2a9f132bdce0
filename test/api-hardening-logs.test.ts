/**
 * No log line holds a key, a session token or an `Authorization` header: a real `longrun serve`
 * with JSON logs at debug level is sent valid, unknown, malformed and revoked keys, a session
 * cookie, streams and a flood, is stopped, and everything it wrote is searched. The first-start
 * banner prints the admin key on purpose (outside the logs); the keys made later must appear
 * nowhere at all.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KEY_PATTERN } from '../src/api/auth.ts';
import { bearer, randomKey, send } from './api-hardening-helpers.ts';
import { JOBS, type Server, spawnServe } from './cli-helpers.ts';
import { tempDir } from './helpers.ts';

describe('the logs of longrun serve', () => {
  const tmp = tempDir();
  let server: Server;
  /** Every secret the server was sent or made after its banner. */
  const secrets: string[] = [];
  let admin: string;

  before(async () => {
    const db = join(tmp.dir, 'logs.db');
    const args = ['--port', '0', '--host', '127.0.0.1', '--db', db, '--workers', '2', '--no-examples'];
    server = await spawnServe([...args, '--jobs', JOBS, '--log-format', 'json'], {
      env: { LONGRUN_LOG_LEVEL: 'debug' },
    });
    admin = server.key!;
  });
  after(() => {
    if (server.proc.exitCode === null) server.proc.kill('SIGKILL');
    tmp.cleanup();
  });

  it('holds no key, token or Authorization header after a session of every kind of request', {
    timeout: 60_000,
  }, async () => {
    const url = server.url;
    const json = { 'content-type': 'application/json' };
    const created = async (scope: string) => {
      const res = await send(url, '/api/v1/keys', {
        method: 'POST',
        headers: { ...bearer(admin), ...json },
        body: JSON.stringify({ scope, name: scope }),
      });
      assert.equal(res.status, 201);
      const k = JSON.parse(res.body) as { id: string; key: string };
      secrets.push(k.key);
      return k;
    };
    const write = await created('write');
    const doomed = await created('read');

    // Valid keys on both paths, a job created and streamed, then the key revoked under its stream.
    const job = await send(url, '/api/v1/jobs', {
      method: 'POST',
      headers: { ...bearer(write.key), ...json },
      body: JSON.stringify({ type: 'test.slow', input: { items: 2, itemMs: 1 } }),
    });
    assert.equal(job.status, 201);
    const jobId = (JSON.parse(job.body) as { id: string }).id;
    for (let i = 0; i < 3; i++) await send(url, `/api/v1/jobs/${jobId}`, { headers: bearer(doomed.key) });
    await send(url, '/api/v1/jobs?limit=5', { headers: bearer(doomed.key) });
    const stream = fetch(`${url}/api/v1/events`, { headers: bearer(doomed.key) }).then((r) => r.text());
    await send(url, `/api/v1/keys/${doomed.id}`, { method: 'DELETE', headers: bearer(admin) });
    await stream;
    await send(url, '/api/v1/jobs', { headers: bearer(doomed.key) });

    // A session: sign in, use the cookie, sign out, use it again.
    const signIn = await send(url, '/api/v1/session', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ key: write.key }),
    });
    assert.equal(signIn.status, 201);
    const cookie = String(signIn.headers['set-cookie']).split(';')[0]!;
    secrets.push(cookie.split('=')[1]!);
    await send(url, '/api/v1/jobs', { headers: { cookie } });
    await send(url, '/api/v1/session', { method: 'DELETE', headers: { cookie, origin: url } });
    await send(url, '/api/v1/jobs', { headers: { cookie } });

    // Unknown, malformed and odd credentials, then a flood past the per-address limit.
    for (let i = 0; i < 80; i++) {
      const unknown = randomKey();
      secrets.push(unknown);
      await send(url, i % 2 ? '/api/v1/jobs' : `/api/v1/jobs/${jobId}`, { headers: bearer(unknown) });
    }
    const odd = ['Bearer lr_short', 'Basic bHI6c2VjcmV0', `Bearer ${'lr_'.padEnd(300, 'x')}`, 'bearer'];
    for (const authorization of odd) await send(url, '/api/v1/jobs', { headers: { authorization } });
    await send(url, '/api/v1/session', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ key: randomKey() }),
    });
    // Keys where keys do not belong: a query string and a path.
    await send(url, `/api/v1/jobs?key=${write.key}`, { headers: bearer(write.key) });
    await send(url, `/api/v1/jobs/${write.key}`, { headers: bearer(write.key) });

    server.proc.kill('SIGTERM');
    assert.equal(await server.exited, 0);

    const logLines = server.stderr.filter((l) => l.startsWith('{'));
    assert.ok(logLines.length >= 3, `JSON log lines: ${logLines.length}`);
    assert.ok(logLines.some((l) => l.includes('"serving"')));
    const everything = [...server.stdout, ...server.stderr];
    for (const secret of secrets) {
      const found = everything.find((l) => l.includes(secret));
      assert.equal(found, undefined, `a secret appeared in the output: ${found}`);
    }
    for (const line of logLines) {
      assert.ok(!line.includes(admin), 'the admin key appears in no log line');
      assert.doesNotMatch(line, /bearer|authorization|longrun_session|cookie/i);
      assert.doesNotMatch(line, /lr_[0-9a-f]{8}_[0-9a-f]{64}/, 'nothing shaped like a key');
    }
    assert.ok(KEY_PATTERN.test(admin), 'keys carry the lr_ prefix secret scanners look for');
  });
});
