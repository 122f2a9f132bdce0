/**
 * The read commands against a real server: `jobs logs` (all pages, --level, --follow, --json),
 * `jobs items` (all pages, --status, --json), `--json` on list/get/keys list, and colour only on
 * a terminal or with FORCE_COLOR, never with NO_COLOR.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LongrunClient } from '../src/client/index.ts';
import { BIN, cli, ROOT, type Server, startServe } from './cli-helpers.ts';
import { tempDir, waitFor } from './helpers.ts';

const ESC = '\x1b';
const jsonLines = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('longrun jobs logs and items, --json and colour', () => {
  let tmp: ReturnType<typeof tempDir>;
  let server: Server;
  let client: LongrunClient;
  let env: Record<string, string>;
  /** 1,500 items, two of them failed: more log lines and items than one page holds. */
  let big: string;
  const finished = async (input: Record<string, unknown>) => {
    const { job } = await client.createJob({ type: 'test.gated', input });
    await waitFor(
      'the job to finish',
      async () => (await client.getJob(job.id)).completedAt !== null,
      60_000,
      50,
    );
    return job.id;
  };

  before(async () => {
    tmp = tempDir('longrun-read-');
    server = await startServe(join(tmp.dir, 'read.db'));
    client = new LongrunClient({ url: server.url, key: server.key! });
    env = { LONGRUN_URL: server.url, LONGRUN_KEY: server.key!, LONGRUN_CONFIG_DIR: tmp.dir, NO_COLOR: '' };
    big = await finished({ items: 1_500, failItems: [2, 700] });
  });
  after(() => {
    if (server.proc.exitCode === null) server.proc.kill('SIGKILL');
    tmp.cleanup();
  });

  it('jobs logs prints every page, oldest first; --level keeps that level and worse', async () => {
    const all = await cli(['jobs', 'logs', big], env);
    assert.equal(all.code, 0, all.stderr);
    const lines = all.stdout.trim().split('\n');
    assert.equal(lines.length, 1_500, 'past the 1,000 lines of one page');
    assert.match(lines[0] ?? '', /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d INFO {2}\[work\] item 0 done$/);
    assert.match(lines.at(-1) ?? '', /item 1499 done$/);
    assert.ok(!all.stdout.includes(ESC), 'no colour off a terminal');

    const errors = await cli(['jobs', 'logs', big, '--level', 'error'], env);
    assert.deepEqual(
      errors.stdout
        .trim()
        .split('\n')
        .map((l) => l.replace(/^\S+ \S+ /, '')),
      [
        'ERROR [work] item item-2 failed: item 2 is broken',
        'ERROR [work] item item-700 failed: item 700 is broken',
      ],
    );
    const json = jsonLines((await cli(['jobs', 'logs', big, '--json', '--level', 'warn'], env)).stdout);
    assert.deepEqual(
      json.map((l) => l.level),
      ['error', 'error'],
    );
    assert.deepEqual(Object.keys(json[0] ?? {}).sort(), [
      'attempt',
      'id',
      'level',
      'message',
      'step',
      'timestamp',
    ]);

    const bad = await cli(['jobs', 'logs', big, '--level', 'debug'], env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--level must be one of info, warn, error/);
    const unknown = await cli(['jobs', 'logs', '01890000-0000-7000-8000-000000000000'], env);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /not_found/);
  });

  it('jobs logs --follow prints the past, then new lines once each, until the job ends', async () => {
    const gate = join(tmp.dir, 'follow-gate');
    const { job } = await client.createJob({ type: 'test.gated', input: { items: 6, gate, waitAt: 3 } });
    const proc = spawn(process.execPath, [BIN, 'jobs', 'logs', job.id, '--follow', '--json'], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => {
      out += d;
    });
    const code = new Promise((r) => proc.on('exit', r));
    try {
      await waitFor('the lines before the gate', () => out.includes('item 2 done'));
      writeFileSync(gate, '');
      assert.equal(await code, 0);
    } finally {
      proc.kill('SIGKILL');
    }
    assert.deepEqual(
      jsonLines(out).map((l) => l.message),
      [0, 1, 2, 3, 4, 5].map((i) => `item ${i} done`),
    );
  });

  it('jobs items pages through every item; --status failed says which failed and why', async () => {
    const failed = await cli(['jobs', 'items', big, '--status', 'failed'], env);
    assert.equal(failed.code, 0, failed.stderr);
    const rows = failed.stdout.trim().split('\n');
    assert.match(rows[0] ?? '', /^STEP {2}KEY +STATUS +ATTEMPT {2}ERROR$/);
    assert.match(rows[1] ?? '', /^work {2}item-2 +failed +1 +item 2 is broken$/);
    assert.match(rows[2] ?? '', /^work {2}item-700 +failed +1 +item 700 is broken$/);
    assert.equal(rows.length, 3);

    const all = jsonLines((await cli(['jobs', 'items', big, '--json'], env)).stdout);
    assert.equal(all.length, 1_500, 'past the 1,000 items of one page');
    assert.equal(all.filter((i) => i.status === 'failed').length, 2);
    assert.equal((await cli(['jobs', 'items', big, '--status', 'broken'], env)).code, 2);
  });

  it('--json output of list, get and keys list parses', async () => {
    const list = await cli(['jobs', 'list', '--json'], env);
    assert.ok((JSON.parse(list.stdout) as { id: string }[]).some((j) => j.id === big));
    const got = JSON.parse((await cli(['jobs', 'get', big, '--json'], env)).stdout) as { progress: unknown };
    assert.deepEqual(got.progress, { total: 1_500, completed: 1_498, failed: 2 });
    const keys = await cli(['keys', 'list', '--json', '--db', join(tmp.dir, 'read.db')], env);
    assert.equal(keys.code, 0, keys.stderr);
    assert.equal((JSON.parse(keys.stdout) as { scope: string }[])[0]?.scope, 'admin');
  });

  it('colours statuses only when asked to off a terminal, and never with NO_COLOR', async () => {
    const id = await finished({ items: 1 });
    const plain = await cli(['jobs', 'list'], env);
    assert.ok(!plain.stdout.includes(ESC));
    assert.match(plain.stdout, new RegExp(`${id} {2}completed {2}sync`), 'columns stay aligned');
    const forced = await cli(['jobs', 'list'], { ...env, FORCE_COLOR: '1' });
    assert.ok(forced.stdout.includes(`${id}  ${ESC}[32mcompleted${ESC}[0m  sync`), forced.stdout);
    const detail = await cli(['jobs', 'get', id], { ...env, FORCE_COLOR: '1' });
    assert.ok(detail.stdout.includes(`${ESC}[32mcompleted`));
    const refused = await cli(['jobs', 'list'], { ...env, FORCE_COLOR: '1', NO_COLOR: '1' });
    assert.ok(!refused.stdout.includes(ESC), 'NO_COLOR wins');
  });
});
