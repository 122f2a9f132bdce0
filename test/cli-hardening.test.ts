/**
 * What a security probe of `longrun serve` found at the socket, file and terminal level: slow-header
 * sockets lived 72 s, the SQLite file was world-readable, the admin key was printed twice, and job
 * names reached the operator's terminal with their control characters.
 */
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createSqliteStore } from '../src/store/sqlite/index.ts';
import { cli, type Server, startServe } from './cli-helpers.ts';
import { tempDir, waitFor } from './helpers.ts';

const HOSTILE = 'evil\u001b[2J\rFAKE line';

describe('longrun serve hardening', () => {
  let tmp: ReturnType<typeof tempDir>;
  let server: Server;
  before(async () => {
    tmp = tempDir();
    server = await startServe(join(tmp.dir, 'data', 'longrun.db'), [
      '--headers-timeout-ms',
      '1000',
      '--request-timeout-ms',
      '1000',
    ]);
  });
  after(async () => {
    server.proc.kill('SIGTERM');
    await server.exited;
    tmp.cleanup();
  });

  it('closes a socket that sends its headers too slowly (slowloris)', async () => {
    const { port } = new URL(server.url);
    const socket = connect(Number(port), '127.0.0.1');
    const closed = new Promise<number>((r) => socket.on('close', () => r(Date.now())));
    socket.on('error', () => {});
    await new Promise((r) => socket.on('connect', r));
    const opened = Date.now();
    socket.write('GET /api/v1/jobs HTTP/1.1\r\nHost: x\r\n');
    // One header byte every 200 ms: each write is activity, none completes the headers.
    const drip = setInterval(() => socket.writable && socket.write('X'), 200);
    try {
      const at = await Promise.race([closed, new Promise<number>((r) => setTimeout(() => r(-1), 6_000))]);
      assert.ok(at > 0, 'the server did not close the slow socket within 6 s');
      // headersTimeout (1 s) plus at most one connectionsCheckingInterval (1 s), with slack.
      assert.ok(at - opened < 4_000, `closed after ${at - opened} ms`);
    } finally {
      clearInterval(drip);
      socket.destroy();
    }
  });

  it('keeps an event stream open past requestTimeout (it limits requests, not responses)', async () => {
    const res = await fetch(`${server.url}/api/v1/events`, {
      headers: { authorization: `Bearer ${server.key}`, accept: 'text/event-stream' },
    });
    assert.equal(res.status, 200);
    const reader = res.body!.getReader();
    let ended = false;
    const reading = (async () => {
      while (!(await reader.read()).done);
      ended = true;
    })();
    await new Promise((r) => setTimeout(r, 2_500));
    assert.equal(ended, false, 'the stream was cut');
    await reader.cancel();
    await reading.catch(() => {});
  });

  it('prints the admin key once', () => {
    assert.ok(server.key);
    const times = server.stdout.join('\n').split(server.key).length - 1;
    assert.equal(times, 1);
  });

  it('shows control characters of job fields escaped in the CLI', async () => {
    const env = { LONGRUN_URL: server.url, LONGRUN_KEY: server.key!, LONGRUN_CONFIG_DIR: tmp.dir };
    const created = await cli(
      ['jobs', 'create', 'test.xss', '--input', JSON.stringify({ payload: HOSTILE })],
      env,
    );
    assert.equal(created.code, 0, created.stderr);
    const id = created.stdout.match(/[0-9a-f-]{36}/)?.[0];
    assert.ok(id, created.stdout);
    await waitFor('the job to fail', async () =>
      (await cli(['jobs', 'get', id], env)).stdout.includes('failed'),
    );
    for (const args of [
      ['jobs', 'list'],
      ['jobs', 'get', id],
      ['jobs', 'items', id],
      ['jobs', 'logs', id],
    ]) {
      const out = (await cli(args, env)).stdout;
      // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for raw control characters.
      assert.doesNotMatch(out, /[\u001b\r]/, `${args.join(' ')} printed a raw control character`);
      assert.match(out, /evil\\u001b\[2J\\rFAKE line/, `${args.join(' ')} shows the name escaped`);
    }
  });
});

describe('the SQLite file', () => {
  it('is created 0600 in a folder created 0700', async () => {
    const tmp = tempDir();
    try {
      const file = join(tmp.dir, 'new', 'deeper', 'longrun.db');
      const store = await createSqliteStore({ path: file });
      await store.close();
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.equal(statSync(join(tmp.dir, 'new', 'deeper')).mode & 0o777, 0o700);
      assert.equal(statSync(join(tmp.dir, 'new')).mode & 0o777, 0o700);
    } finally {
      tmp.cleanup();
    }
  });
});
