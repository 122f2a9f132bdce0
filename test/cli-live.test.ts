/** The watch bar's pieces without a server: layout, rate, ETA, and what reaches the terminal. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BarOutput, formatDuration, RateMeter, renderBar } from '../src/cli/live.ts';
import { colorEnabled, painter } from '../src/cli/term.ts';

const plain = painter(false);

describe('the watch bar', () => {
  it('shows counts, rate and ETA, and drops trailing parts rather than wrap', () => {
    const p = { total: 100, completed: 40, failed: 10 };
    assert.equal(
      renderBar(p, 'running', 12.5, { columns: 120, paint: plain }),
      '████████░░░░░░░░  50/100  40 completed  10 failed  12.5 items/s  ETA 4s  running',
    );
    const narrow = renderBar(p, 'running', 12.5, { columns: 50, paint: plain });
    assert.equal(narrow, '████████░░░░░░░░  50/100  40 completed  10 failed');
    assert.equal(
      renderBar({ total: 0, completed: 0, failed: 0 }, 'pending', null, { columns: 120, paint: plain }),
      '░░░░░░░░░░░░░░░░  0/?  0 completed  0 failed  - items/s  ETA -  pending',
    );
  });

  it('measures the rate over recent samples and formats durations', () => {
    const meter = new RateMeter(10_000);
    meter.sample(0, 0);
    assert.equal(meter.rate(100), null, 'too soon to tell');
    meter.sample(50, 5_000);
    assert.equal(meter.rate(5_000), 10);
    assert.equal(meter.rate(10_000), 5, 'slows down while nothing comes');
    assert.deepEqual(
      [formatDuration(59.4), formatDuration(65), formatDuration(7_380)],
      ['59s', '1m05s', '2h03m'],
    );
  });

  it('clears the bar, prints a line, redraws; holds lines back while paused', () => {
    const writes: string[] = [];
    const out = new BarOutput({ write: (t) => writes.push(t), columns: 100 }, plain, () => 0);
    out.progress({ total: 4, completed: 1, failed: 0 }, 'running');
    out.line('hello');
    out.pause();
    out.line('held');
    const whilePaused = writes.length;
    out.resume();
    out.stop();
    const bar = '████░░░░░░░░░░░░  1/4  1 completed  0 failed  - items/s  ETA -  running';
    assert.deepEqual(writes.slice(0, whilePaused), [
      `\r\x1b[K${bar}`,
      '\r\x1b[Khello\n',
      `\r\x1b[K${bar}`,
      '\r\x1b[K',
    ]);
    assert.deepEqual(writes.slice(whilePaused), ['held\n', `\r\x1b[K${bar}`, `\r\x1b[K${bar}`, '\n']);
  });

  it('colours only a terminal, never with NO_COLOR, always with FORCE_COLOR', () => {
    assert.equal(colorEnabled({ isTTY: true }, {}), true);
    assert.equal(colorEnabled({ isTTY: false }, {}), false);
    assert.equal(colorEnabled({ isTTY: true }, { NO_COLOR: '1' }), false);
    assert.equal(colorEnabled({ isTTY: true }, { NO_COLOR: '' }), true, 'an empty NO_COLOR does not count');
    assert.equal(colorEnabled({ isTTY: false }, { FORCE_COLOR: '1' }), true);
    assert.equal(colorEnabled({ isTTY: true }, { FORCE_COLOR: '0' }), false);
    assert.equal(colorEnabled({ isTTY: true }, { TERM: 'dumb' }), false);
  });
});
