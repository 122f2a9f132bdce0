/**
 * The output of `jobs watch`. On a TTY (`BarOutput`): one progress line redrawn in place with
 * counts, rate and ETA, and every other line printed above it (clear the bar, print, redraw).
 * Elsewhere (`PlainOutput`): plain lines, one per progress event, nothing rewritten.
 */
import type { Job } from '../client/index.ts';
import { type Paint, paintStatus } from './term.ts';

export type Progress = Job['progress'];

export interface WatchOutput {
  line(text: string): void;
  progress(p: Progress, status: string): void;
  /** Stops drawing (lines are held back) while a prompt owns the terminal. */
  pause(): void;
  resume(): void;
  /** Leaves the last state of the bar on screen, on a line of its own; once (later calls do nothing). */
  stop(): void;
}

/** Items per second over the last `windowMs`, from the progress samples seen. */
export class RateMeter {
  private samples: { at: number; done: number }[] = [];

  constructor(private readonly windowMs = 10_000) {}

  sample(done: number, at: number): void {
    const last = this.samples[this.samples.length - 1];
    if (last && done < last.done) this.samples = [];
    this.samples.push({ at, done });
    while (this.samples.length > 2 && at - (this.samples[1]?.at ?? at) >= this.windowMs) this.samples.shift();
  }

  /** null until two samples are at least 200 ms apart. */
  rate(now: number): number | null {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last || now - first.at < 200) return null;
    return (last.done - first.done) / ((now - first.at) / 1000);
  }
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

function formatRate(rate: number | null): string {
  if (rate === null) return '-';
  return rate >= 100 ? rate.toFixed(0) : rate.toFixed(1);
}

/**
 * One bar line, at most `columns - 1` visible characters (a line that wraps could no longer be
 * redrawn with a carriage return): trailing parts are dropped until it fits.
 */
export function renderBar(
  p: Progress,
  status: string,
  rate: number | null,
  opts: { columns: number; paint: Paint },
): string {
  const { paint } = opts;
  const done = p.completed + p.failed;
  const width = 16;
  const filled = p.total > 0 ? Math.min(width, Math.floor((done / p.total) * width)) : 0;
  const eta =
    p.total > 0 && rate !== null && rate > 0 && done < p.total
      ? formatDuration((p.total - done) / rate)
      : '-';
  const bar = '█'.repeat(filled);
  const rest = '░'.repeat(width - filled);
  const count = `${done}/${p.total || '?'}`;
  const parts: [plain: string, painted: string][] = [
    [bar + rest, paint('green', bar) + rest],
    [count, count],
    [`${p.completed} completed`, `${paint('green', String(p.completed))} completed`],
    [`${p.failed} failed`, `${p.failed ? paint('red', String(p.failed)) : '0'} failed`],
    [`${formatRate(rate)} items/s`, `${formatRate(rate)} items/s`],
    [`ETA ${eta}`, `ETA ${eta}`],
    [status, paintStatus(paint, status)],
  ];
  let visible = -2;
  const out: string[] = [];
  for (const [plain, painted] of parts) {
    if (visible + 2 + plain.length > opts.columns - 1) break;
    visible += 2 + plain.length;
    out.push(painted);
  }
  return out.join('  ');
}

interface Writable {
  write(text: string): unknown;
  columns?: number;
}

const CLEAR_LINE = '\r\x1b[K';
/** How often the bar is redrawn without news, so rate and ETA keep moving. */
const TICK_MS = 1_000;

export class BarOutput implements WatchOutput {
  private last: { p: Progress; status: string } | null = null;
  private readonly meter = new RateMeter();
  private drawn = false;
  private paused = false;
  private stopped = false;
  private held: string[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly out: Writable,
    private readonly paint: Paint,
    private readonly now: () => number = Date.now,
  ) {
    this.timer = setInterval(() => this.draw(), TICK_MS);
    this.timer.unref();
  }

  line(text: string): void {
    if (this.paused) {
      this.held.push(text);
      return;
    }
    this.out.write(`${this.drawn ? CLEAR_LINE : ''}${text}\n`);
    this.drawn = false;
    this.draw();
  }

  progress(p: Progress, status: string): void {
    this.meter.sample(p.completed + p.failed, this.now());
    this.last = { p, status };
    this.draw();
  }

  pause(): void {
    if (this.drawn) this.out.write(CLEAR_LINE);
    this.drawn = false;
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    const held = this.held;
    this.held = [];
    for (const text of held) this.line(text);
    if (held.length === 0) this.draw();
  }

  stop(): void {
    clearInterval(this.timer);
    this.paused = false;
    for (const text of this.held) this.line(text);
    this.held = [];
    this.draw();
    if (this.drawn) this.out.write('\n');
    this.drawn = false;
    this.stopped = true;
  }

  private draw(): void {
    if (!this.last || this.paused || this.stopped) return;
    const bar = renderBar(this.last.p, this.last.status, this.meter.rate(this.now()), {
      columns: this.out.columns || 80,
      paint: this.paint,
    });
    this.out.write(CLEAR_LINE + bar);
    this.drawn = true;
  }
}

export class PlainOutput implements WatchOutput {
  private lastText = '';

  constructor(private readonly out: Writable) {}

  line(text: string): void {
    this.out.write(`${text}\n`);
  }

  progress(p: Progress): void {
    const text = `progress ${p.completed + p.failed}/${p.total}${p.failed ? ` (${p.failed} failed)` : ''}`;
    // The same numbers again (a status change re-sends them) say nothing new to a log reader.
    if (text !== this.lastText) this.line(text);
    this.lastText = text;
  }

  pause(): void {}
  resume(): void {}
  stop(): void {}
}
