/**
 * `longrun jobs watch` against a real server: the bar redrawn in place on a pseudo-terminal with
 * log lines above it, the exit codes (0 completed, 1 failed, 3 cancelled, 4 stream lost, 130
 * detached), the Ctrl-C prompt, plain lines off a terminal and JSON Lines with --json.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { LongrunClient } from '../src/client/index.ts';
import { BIN, cli, ROOT, type Server, startServe } from './cli-helpers.ts';
import { runInPty } from './cli-pty.ts';
import { tempDir, waitFor } from './helpers.ts';

const ESC = '\x1b';
/** Carriage return and erase-line (as regex source): the start of every redraw. */
const CLEAR = '\\r\\x1b\\[K';
const BAR = /[█░]{16} {2}\d+\/\d+ {2}\d+ completed/;

/** The CLI off a terminal (pipes), its output collected as it comes. */
function spawnCli(args: string[], env: Record<string, string>) {
  const proc = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { stdout: '', stderr: '' };
  proc.stdout.on('data', (d: Buffer) => {
    out.stdout += d;
  });
  proc.stderr.on('data', (d: Buffer) => {
    out.stderr += d;
  });
  const code = new Promise<number | null>((r) => proc.on('exit', (c) => r(c)));
  return { proc, out, code };
}

describe('longrun jobs watch', () => {
  let tmp: ReturnType<typeof tempDir>;
  let server: Server;
  let client: LongrunClient;
  let env: Record<string, string>;
  const gates: string[] = [];
  /** A test.gated job held at item `waitAt` until `open()` creates its gate file. */
  const gated = async (input: Record<string, unknown> = {}, maxAttempts?: number) => {
    const gate = join(tmp.dir, `gate-${gates.length}`);
    gates.push(gate);
    const { job } = await client.createJob({
      type: 'test.gated',
      input: { items: 6, gate, waitAt: 3, ...input },
      maxAttempts,
    });
    return { id: job.id, open: () => writeFileSync(gate, '') };
  };
  const stateOf = async (id: string) => (await client.getJob(id)).status;

  before(async () => {
    tmp = tempDir('longrun-watch-');
    server = await startServe(join(tmp.dir, 'watch.db'));
    client = new LongrunClient({ url: server.url, key: server.key! });
    env = { LONGRUN_URL: server.url, LONGRUN_KEY: server.key!, LONGRUN_CONFIG_DIR: tmp.dir };
  });
  // A test that failed half-way must not leave its job holding one of the server's workers.
  afterEach(() => {
    for (const gate of gates) writeFileSync(gate, '');
  });
  after(() => {
    if (server.proc.exitCode === null) server.proc.kill('SIGKILL');
    tmp.cleanup();
  });

  it('on a terminal redraws one bar line in place, with log lines printed above it', async () => {
    const job = await gated({ failItems: [1] });
    const term = runInPty(['jobs', 'watch', job.id], env);
    try {
      // Held at the gate: the bar is redrawn (the rate and ETA tick) without a new line.
      await term.waitForOutput(new RegExp(`${CLEAR}[^\\n]*3/6[^\\n]*${CLEAR}[^\\n]*3/6`));
      job.open();
      assert.equal(await term.exited, 0, term.output());
    } finally {
      term.proc.kill('SIGKILL');
    }
    const out = term.output();
    assert.match(out, new RegExp(`${ESC}\\[32m`), 'colour on a terminal');
    const plain = out.replace(new RegExp(`${ESC}\\[[0-9;]*m`, 'g'), '');
    const lines = plain.split('\n');
    const barLines = lines.filter((l) => BAR.test(l));
    const draws = plain.match(new RegExp(BAR.source, 'g')) ?? [];
    assert.ok(draws.length > barLines.length, 'several draws share a line: redrawn in place');
    // What stays on screen of each line is what follows its last redraw: a bar only once, at the end.
    const visible = lines.map((l) => l.replace(/\r$/, '').split('\r\x1b[K').at(-1) ?? '');
    assert.equal(visible.filter((l) => BAR.test(l)).length, 1, 'progress never starts a new line');
    // A log line: the bar's line is cleared, the log printed, and the bar drawn again below it.
    assert.match(
      plain,
      new RegExp(`${CLEAR}\\S+ \\S+ INFO {2}\\[work\\] item 4 done\\r?\\n${CLEAR}[█░]{16} {2}\\d+/6`),
    );
    assert.match(plain, /ERROR \[work\] item item-1 failed: item 1 is broken/);
    assert.match(plain, /[█░]{16} {2}6\/6 {2}5 completed {2}1 failed {2}[\d.]+ items\/s {2}ETA -/);
    assert.match(plain, /finished: completed/);
    assert.ok(
      plain.indexOf('item 0 done') < plain.lastIndexOf('6/6'),
      'the final bar stays below the log lines',
    );
  });

  it('Ctrl-C asks; y cancels the job and watches it stop (exit 3)', async () => {
    const job = await gated();
    const term = runInPty(['jobs', 'watch', job.id], { ...env, NO_COLOR: '1' });
    try {
      await term.waitForOutput(/3\/6 {2}3 completed/);
      term.write('\x03');
      await term.waitForOutput(`Cancel job ${job.id}? [y/N]`);
      term.write('y\r');
      assert.equal(await term.exited, 3, term.output());
    } finally {
      term.proc.kill('SIGKILL');
    }
    assert.ok(!term.output().includes(`${ESC}[0m`), 'NO_COLOR: no colour, even on a terminal');
    assert.match(term.output(), /cancel requested/);
    assert.match(term.output(), /finished: .*cancelled/);
    const stopped = await client.getJob(job.id);
    assert.equal(stopped.status, 'cancelled');
    assert.notEqual(stopped.completedAt, null, 'watched until the worker stopped');
  });

  it('Ctrl-C then anything but y detaches (exit 130) and the job goes on', async () => {
    const job = await gated();
    const term = runInPty(['jobs', 'watch', job.id], { ...env, NO_COLOR: '1' });
    try {
      await term.waitForOutput(/3\/6 {2}3 completed/);
      term.write('\x03');
      await term.waitForOutput('[y/N]');
      term.write('n\r');
      assert.equal(await term.exited, 130, term.output());
    } finally {
      term.proc.kill('SIGKILL');
    }
    assert.match(term.output(), new RegExp(`detached: job ${job.id} goes on`));
    assert.equal(await stateOf(job.id), 'running');
  });

  it('a second Ctrl-C at the prompt exits at once (130) without cancelling', async () => {
    const job = await gated();
    const term = runInPty(['jobs', 'watch', job.id], { ...env, NO_COLOR: '1' });
    try {
      await term.waitForOutput(/3\/6 {2}3 completed/);
      term.write('\x03');
      await term.waitForOutput('[y/N]');
      term.write('\x03');
      assert.equal(await term.exited, 130, term.output());
    } finally {
      term.proc.kill('SIGKILL');
    }
    assert.equal(await stateOf(job.id), 'running');
  });

  it('off a terminal: plain lines, no bar, no colour; exit 0 completed, 1 failed, 3 cancelled', async () => {
    const ok = await gated();
    ok.open();
    const done = await cli(['jobs', 'watch', ok.id], env);
    assert.equal(done.code, 0, done.stderr);
    assert.ok(
      !/[\r█]/.test(done.stdout) && !done.stdout.includes(ESC),
      'no escapes, carriage returns or bars',
    );
    assert.match(done.stdout, /^progress 6\/6$/m);
    assert.match(done.stdout, /INFO {2}\[work\] item 5 done/);
    assert.match(done.stdout, /finished: completed$/m);

    const bad = await gated({ fail: true }, 1);
    bad.open();
    assert.equal((await cli(['jobs', 'watch', bad.id], env)).code, 1);

    const cancelled = await gated();
    const watching = spawnCli(['jobs', 'watch', cancelled.id], env);
    try {
      await waitFor('the watch to print the held job', () => watching.out.stdout.includes('progress 3/6'));
      await client.cancelJob(cancelled.id);
      assert.equal(await watching.code, 3, watching.out.stderr);
    } finally {
      watching.proc.kill('SIGKILL');
    }
    assert.match(watching.out.stdout, /^status cancelled \(stopping/m);
    assert.match(watching.out.stdout, /^finished: cancelled$/m);
  });

  it('off a terminal Ctrl-C (SIGINT) detaches at once: exit 130, no prompt', async () => {
    const job = await gated();
    const watching = spawnCli(['jobs', 'watch', job.id], env);
    try {
      await waitFor('the watch to print the held job', () => watching.out.stdout.includes('progress 3/6'));
      watching.proc.kill('SIGINT');
      assert.equal(await watching.code, 130);
    } finally {
      watching.proc.kill('SIGKILL');
    }
    assert.doesNotMatch(watching.out.stdout, /Cancel job/);
    assert.match(watching.out.stderr, /detached/);
    assert.equal(await stateOf(job.id), 'running');
  });

  it('--json prints one JSON object per line, snapshot first and end last', async () => {
    const job = await gated({ failItems: [0] });
    const watching = spawnCli(['jobs', 'watch', job.id, '--json'], env);
    try {
      await waitFor('the snapshot', () => watching.out.stdout.includes('"event":"snapshot"'));
      job.open();
      assert.equal(await watching.code, 0, watching.out.stderr);
    } finally {
      watching.proc.kill('SIGKILL');
    }
    const events = watching.out.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; data: Record<string, unknown> });
    assert.equal(events[0]?.event, 'snapshot');
    assert.equal(events.at(-1)?.event, 'end');
    assert.ok(events.some((e) => e.event === 'log' && e.data.message === 'item 5 done'));
    assert.ok(events.some((e) => e.event === 'progress'));
  });

  it('jobs create --watch ends with the same exit codes', async () => {
    const ok = await cli(['jobs', 'create', 'test.gated', '--input', '{"items":2}', '--watch'], env);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /finished: completed/);
    const failed = await cli(
      [
        'jobs',
        'create',
        'test.gated',
        '--input',
        '{"items":1,"fail":true}',
        '--max-attempts',
        '1',
        '--watch',
      ],
      env,
    );
    assert.equal(failed.code, 1, failed.stderr);
    assert.match(failed.stdout, /finished: failed/);
  });

  it('exits 4 when the event stream is lost for good', async () => {
    const own = await startServe(join(tmp.dir, 'lost.db'));
    try {
      const c = new LongrunClient({ url: own.url, key: own.key! });
      const { job } = await c.createJob({
        type: 'test.gated',
        input: { items: 4, gate: join(tmp.dir, 'never'), waitAt: 1 },
      });
      const watching = spawnCli(['jobs', 'watch', job.id], {
        LONGRUN_URL: own.url,
        LONGRUN_KEY: own.key!,
        LONGRUN_CONFIG_DIR: tmp.dir,
      });
      try {
        await waitFor('the watch to start', () => watching.out.stdout.includes('item 0 done'));
        own.proc.kill('SIGKILL');
        assert.equal(await watching.code, 4, watching.out.stderr);
      } finally {
        watching.proc.kill('SIGKILL');
      }
      assert.match(watching.out.stderr, /lost the event stream/);
    } finally {
      own.proc.kill('SIGKILL');
    }
  });
});
