/**
 * A job's log lines in memory for the virtualised viewer. The job page opens with the newest
 * 1,000 lines (the stream's snapshot) at the bottom, so it shows something at once however long
 * the log is; the older lines are then read from the first one on, a page of 1,000 at a time,
 * until they meet. Log ids are global (not numbered per job), so a line's position can only be
 * learned by reading from the start: rows not read yet show as placeholders.
 */
import { signal } from '@preact/signals';
import type { LogEntry, LogLevel } from '../../src/client/types.ts';
import { client } from './api.ts';
import { clean } from './format.ts';

const PAGE = 1_000;
/**
 * The most older lines kept in memory (about 50 MB); the rest of a longer log is left out of the
 * viewer (its rows say so) and read page by page only for a download.
 */
export const MAX_LINES = 250_000;

export class LogBuffer {
  private head: LogEntry[] = [];
  private tail: LogEntry[] = [];
  private all: LogEntry[] | null = null;
  /** Lines the job has, as far as we know: the snapshot's count plus streamed lines. */
  total = 0;
  /** Bumped (at most once a frame) when lines arrive; views read it to re-render. */
  readonly version = signal(0);
  private loading: Promise<void> | null = null;
  private stopped = false;
  /** The older lines stopped at MAX_LINES: some in the middle are not in memory. */
  capped = false;
  private frame = 0;

  constructor(private readonly jobId: string) {}

  get complete(): boolean {
    return this.all !== null;
  }

  /** The loaded share, 0–1, for the "reading earlier lines" note. */
  get loaded(): number {
    if (this.all) return 1;
    return this.total === 0 ? 1 : (this.head.length + this.tail.length) / this.total;
  }

  init(logs: LogEntry[], logsTotal: number): void {
    this.tail = logs.slice();
    this.head = [];
    this.total = Math.max(logsTotal, logs.length);
    this.all = logs.length >= logsTotal ? this.tail : null;
    this.bump();
  }

  append(e: LogEntry): void {
    const lines = this.all ?? this.tail;
    const last = lines[lines.length - 1];
    if (last && last.id >= e.id) return;
    lines.push(e);
    this.total++;
    this.bump();
  }

  at(i: number): LogEntry | undefined {
    if (this.all) return this.all[i];
    if (i < this.head.length) return this.head[i];
    return this.tail[i - (this.total - this.tail.length)];
  }

  /** Lines of these levels among those in memory (all of them once complete). */
  filter(levels: ReadonlySet<LogLevel>): LogEntry[] {
    const keep = (l: LogEntry) => levels.has(l.level);
    return this.all ? this.all.filter(keep) : [...this.head.filter(keep), ...this.tail.filter(keep)];
  }

  /** Reads the older lines in the background; resolves when every line is in memory. */
  loadAll(): Promise<void> {
    this.loading ??= this.readHead();
    return this.loading;
  }

  stop(): void {
    this.stopped = true;
    cancelAnimationFrame(this.frame);
  }

  private async readHead(): Promise<void> {
    let after = 0;
    while (!this.all && !this.stopped && !this.capped) {
      const page = await client.listLogs(this.jobId, { after, limit: PAGE });
      if (this.stopped) return;
      const firstTail = this.tail[0]?.id ?? Number.POSITIVE_INFINITY;
      const older = page.filter((l) => l.id < firstTail);
      this.head.push(...older);
      const last = page[page.length - 1];
      if (older.length < page.length || page.length < PAGE || !last) {
        this.all = this.head.concat(this.tail);
        this.head = [];
        this.tail = [];
        this.total = this.all.length;
      } else {
        after = last.id;
        this.capped = this.head.length >= MAX_LINES;
      }
      this.bump();
    }
  }

  private bump(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.version.value++;
    });
  }
}

function line(l: LogEntry): string {
  const step = l.step ? `[${clean(l.step)}] ` : '';
  return `${new Date(l.timestamp).toISOString()} ${l.level.toUpperCase().padEnd(5)} ${step}${clean(l.message)}\n`;
}

/** The whole log as text chunks for a download: from memory when complete, else page by page. */
export async function logChunks(buffer: LogBuffer, jobId: string): Promise<string[]> {
  const chunks: string[] = [];
  let chunk = '';
  const add = (l: LogEntry) => {
    chunk += line(l);
    if (chunk.length > 1_000_000) {
      chunks.push(chunk);
      chunk = '';
    }
  };
  if (buffer.complete) for (let i = 0; i < buffer.total; i++) add(buffer.at(i)!);
  else for await (const l of client.listAllLogs(jobId)) add(l);
  chunks.push(chunk);
  return chunks;
}
