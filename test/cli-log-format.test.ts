/**
 * Server logs: readable lines on a terminal, pino JSON when piped, `--log-format` overriding
 * either, for `serve` and `worker`; and `longrun --version`.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { formatPretty, prettyDestination, resolveLogFormat } from '../src/cli/logger.ts';
import { painter } from '../src/cli/term.ts';
import { findVersion } from '../src/cli/version.ts';
import { cli, JOBS, spawnServe } from './cli-helpers.ts';
import { runInPty } from './cli-pty.ts';
import { tempDir, waitFor } from './helpers.ts';

const plain = painter(false);
const at = new Date(2026, 0, 2, 12, 3, 4).getTime();

describe('the readable log format', () => {
  it('is a time, a level and the message with its fields', () => {
    const line = formatPretty(
      {
        level: 30,
        time: at,
        pid: 1,
        hostname: 'h',
        url: 'http://x:3000',
        workers: 10,
        types: ['a', 'b'],
        msg: 'serving',
      },
      plain,
    );
    assert.equal(line, '12:03:04 INFO  serving url=http://x:3000 workers=10 types=a,b');
    assert.equal(
      formatPretty({ level: 40, time: at, msg: 'slow', note: 'two words', nested: { a: 1 } }, plain),
      '12:03:04 WARN  slow note="two words" nested={"a":1}',
    );
  });

  it("puts an error's message on the line and its stack below", () => {
    const err = { type: 'Error', message: 'disk full', stack: 'Error: disk full\n    at write (x.ts:1:1)' };
    assert.equal(
      formatPretty({ level: 50, time: at, err, msg: 'worker error' }, plain),
      '12:03:04 ERROR worker error err="disk full"\n    at write (x.ts:1:1)',
    );
  });

  it('passes through what is not JSON and colours levels only when asked', () => {
    const out: string[] = [];
    prettyDestination((t) => out.push(t), painter(true)).write(
      `${JSON.stringify({ level: 50, time: at, msg: 'boom' })}\nnot json\n`,
    );
    assert.equal(out[0], '\x1b[90m12:03:04\x1b[0m \x1b[31mERROR\x1b[0m boom\n');
    assert.equal(out[1], 'not json\n');
  });

  it('is chosen by --log-format, then LONGRUN_LOG_FORMAT, then whether stderr is a terminal', () => {
    assert.equal(resolveLogFormat('json', {}, { isTTY: true }), 'json');
    assert.equal(resolveLogFormat('pretty', { LONGRUN_LOG_FORMAT: 'json' }, {}), 'pretty');
    assert.equal(resolveLogFormat(undefined, { LONGRUN_LOG_FORMAT: 'pretty' }, {}), 'pretty');
    assert.equal(resolveLogFormat(undefined, {}, { isTTY: true }), 'pretty');
    assert.equal(resolveLogFormat(undefined, {}, { isTTY: false }), 'json');
  });
});

describe('longrun serve and worker logs', () => {
  let tmp: ReturnType<typeof tempDir>;
  const serveArgs = (name: string) => [
    '--port',
    '0',
    '--host',
    '127.0.0.1',
    '--db',
    join(tmp.dir, `${name}.db`),
    '--no-examples',
    '--jobs',
    JOBS,
    '--grace-ms',
    '100',
  ];
  before(() => {
    tmp = tempDir('longrun-logfmt-');
  });
  after(() => tmp.cleanup());

  it('serve writes JSON lines when piped, readable lines with --log-format pretty', async () => {
    const json = await spawnServe(serveArgs('piped'));
    try {
      await waitFor('the serving log line', () => json.stderr.some((l) => l.includes('"msg":"serving"')));
      for (const l of json.stderr) JSON.parse(l);
    } finally {
      json.proc.kill('SIGKILL');
    }
    const pretty = await spawnServe([...serveArgs('pretty'), '--log-format', 'pretty']);
    try {
      const line = await waitFor('the serving log line', () =>
        pretty.stderr.find((l) => l.includes('serving')),
      );
      assert.match(line, /^\d\d:\d\d:\d\d INFO {2}serving url=http:\/\/127\.0\.0\.1:\d+ db=\S+ workers=\d+ /);
      assert.ok(!line.includes('\x1b'), 'no colour when piped');
    } finally {
      pretty.proc.kill('SIGKILL');
    }
  });

  it('serve on a terminal logs readable lines, and --log-format json turns JSON back on', async () => {
    const term = runInPty(['serve', ...serveArgs('tty')]);
    try {
      await term.waitForOutput('Try: curl');
      await term.waitForOutput(/\d\d:\d\d:\d\d\S* \S*INFO/);
      assert.ok(!term.output().includes('"level":'), term.output());
    } finally {
      term.proc.kill('SIGKILL');
    }
    const json = runInPty(['serve', ...serveArgs('tty-json'), '--log-format', 'json']);
    try {
      await json.waitForOutput('"msg":"serving"');
    } finally {
      json.proc.kill('SIGKILL');
    }
  });

  it('worker takes --log-format too, and refuses an unknown one', async () => {
    const db = join(tmp.dir, 'worker.db');
    const term = runInPty(['worker', '--db', db, '--no-examples', '--jobs', JOBS, '--log-format', 'pretty'], {
      NO_COLOR: '1',
    });
    try {
      await term.waitForOutput(/\d\d:\d\d:\d\d INFO {2}worker started db=\S+ concurrency=10/);
    } finally {
      term.proc.kill('SIGKILL');
    }
    const bad = await cli(['worker', '--db', db, '--log-format', 'xml']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--log-format must be one of pretty, json/);
  });
});

describe('longrun --version', () => {
  it('prints the version of the nearest package.json named longrun', async () => {
    const res = await cli(['--version']);
    assert.equal(res.stdout.trim(), '0.2.0');
    const tmp = tempDir('longrun-version-');
    try {
      // As installed: node_modules/longrun/dist/src/cli/main.js under a project of another name.
      const pkg = join(tmp.dir, 'node_modules', 'longrun');
      mkdirSync(join(pkg, 'dist', 'src', 'cli'), { recursive: true });
      writeFileSync(join(tmp.dir, 'package.json'), JSON.stringify({ name: 'app', version: '9.9.9' }));
      writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'longrun', version: '1.2.3' }));
      assert.equal(findVersion(join(pkg, 'dist', 'src', 'cli', 'main.js')), '1.2.3');
      assert.equal(findVersion(join(tmp.dir, 'src', 'main.js')), 'unknown', 'never the project’s own');
    } finally {
      tmp.cleanup();
    }
  });
});
