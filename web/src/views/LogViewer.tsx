/**
 * The log viewer: a virtualised list (only the rows in view are in the DOM, each one fixed height),
 * so 100,000 lines scroll like 100. It follows the tail while scrolled to the bottom, filters by
 * level, and downloads the whole log as text.
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { LogEntry, LogLevel } from '../../../src/client/types.ts';
import { clean, count } from '../format.ts';
import { type LogBuffer, logChunks, MAX_LINES } from '../log-buffer.ts';

const ROW = 20;
const OVERSCAN = 30;
const LEVELS: LogLevel[] = ['info', 'warn', 'error'];

function time(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

function Row({ entry, index }: { entry: LogEntry | undefined; index: number }) {
  const style = { top: `${index * ROW}px` };
  if (!entry)
    return (
      <div class="log-row placeholder" style={style}>
        …
      </div>
    );
  return (
    <div class={`log-row lvl-${entry.level}`} style={style} data-log-id={entry.id}>
      <span class="log-time">{time(entry.timestamp)}</span>
      <span class="log-level">{entry.level}</span>
      {entry.step && <span class="log-step">{clean(entry.step)}</span>}
      <span class="log-msg">{clean(entry.message).replace(/\n/g, ' ↵ ')}</span>
    </div>
  );
}

export function LogViewer({ buffer, jobId }: { buffer: LogBuffer; jobId: string }) {
  const version = buffer.version.value;
  const [levels, setLevels] = useState<Set<LogLevel>>(() => new Set(LEVELS));
  const [follow, setFollow] = useState(true);
  const [top, setTop] = useState(0);
  const [height, setHeight] = useState(480);
  const [downloading, setDownloading] = useState(false);
  const viewport = useRef<HTMLElement>(null);
  const filtering = levels.size < LEVELS.length;
  const filtered = useMemo(() => (filtering ? buffer.filter(levels) : null), [version, levels, buffer]);
  const n = filtered ? filtered.length : buffer.total;

  useEffect(() => {
    // After the first paint: the newest lines are on screen before the older ones are read.
    const t = setTimeout(() => void buffer.loadAll().catch(() => {}), 50);
    return () => clearTimeout(t);
  }, [buffer]);

  useEffect(() => {
    const el = viewport.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setHeight(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  useLayoutEffect(() => {
    const el = viewport.current;
    if (el && follow) {
      el.scrollTop = el.scrollHeight;
      setTop(el.scrollTop);
    }
  }, [n, follow]);

  const onScroll = () => {
    const el = viewport.current;
    if (!el) return;
    setTop(el.scrollTop);
    const atBottom = el.scrollTop + el.clientHeight >= el.scrollHeight - ROW;
    if (atBottom !== follow) setFollow(atBottom);
  };

  const first = Math.max(0, Math.floor(top / ROW) - OVERSCAN);
  const last = Math.min(n, Math.ceil((top + height) / ROW) + OVERSCAN);
  const rows = [];
  for (let i = first; i < last; i++)
    rows.push(<Row key={i} index={i} entry={filtered ? filtered[i] : buffer.at(i)} />);

  const download = async () => {
    setDownloading(true);
    try {
      const blob = new Blob(await logChunks(buffer, jobId), { type: 'text/plain;charset=utf-8' });
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = `job-${jobId}.log`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    } finally {
      setDownloading(false);
    }
  };

  const toggle = (l: LogLevel) =>
    setLevels((cur) => {
      const next = new Set(cur);
      next.has(l) ? next.delete(l) : next.add(l);
      return next.size === 0 ? new Set(LEVELS) : next;
    });

  return (
    <div class="logs">
      <div class="log-tools">
        <fieldset class="chips">
          <legend class="sr-only">Log levels</legend>
          {LEVELS.map((l) => (
            <button
              type="button"
              key={l}
              class={`chip lvl-${l}`}
              aria-pressed={levels.has(l)}
              onClick={() => toggle(l)}
            >
              {l}
            </button>
          ))}
        </fieldset>
        <span class="muted small" aria-live="polite">
          {count(n)} {filtering ? 'matching ' : ''}
          {n === 1 ? 'line' : 'lines'}
          {!buffer.complete &&
            !buffer.capped &&
            ` · reading earlier lines ${Math.floor(buffer.loaded * 100)}%`}
          {buffer.capped &&
            ` · the viewer holds the first ${count(MAX_LINES)} and the newest; download for all`}
        </span>
        <label class="switch">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.currentTarget.checked)} />
          <span>Follow</span>
        </label>
        <button type="button" onClick={() => void download()} disabled={downloading}>
          {downloading ? 'Preparing…' : 'Download'}
        </button>
      </div>
      <section
        ref={viewport}
        class="log-viewport"
        // As tall as its lines up to a cap (the CSS max-height), so a short log takes little room.
        style={{ height: `${Math.max(120, Math.min(n, 40) * ROW + 16)}px` }}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard.
        tabIndex={0}
        aria-label="Log lines"
        onScroll={onScroll}
      >
        <div class="log-space" style={{ height: `${n * ROW}px` }}>
          {rows}
        </div>
        {n === 0 && <p class="muted log-empty">No log lines{filtering ? ' at these levels' : ''}.</p>}
      </section>
    </div>
  );
}
