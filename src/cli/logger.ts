/**
 * The logger of `serve` and `worker`. On a terminal, readable lines on stderr
 * (`12:03:04 INFO  serving url=http://localhost:3000 workers=10`); piped or under a process
 * manager, pino's JSON lines. `--log-format` (or LONGRUN_LOG_FORMAT) picks either; the level is
 * LONGRUN_LOG_LEVEL (default info).
 */
import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogFormat } from './log-format.ts';
import { colorEnabled, type Paint, painter, type Style } from './term.ts';

export function resolveLogFormat(
  flag: LogFormat | undefined,
  env: NodeJS.ProcessEnv = process.env,
  stream: { isTTY?: boolean } = process.stderr,
): LogFormat {
  if (flag) return flag;
  const fromEnv = env.LONGRUN_LOG_FORMAT;
  if (fromEnv === 'pretty' || fromEnv === 'json') return fromEnv;
  return stream.isTTY ? 'pretty' : 'json';
}

const LEVELS: Record<number, [label: string, style: Style | null]> = {
  10: ['TRACE', 'gray'],
  20: ['DEBUG', 'gray'],
  30: ['INFO', 'blue'],
  40: ['WARN', 'yellow'],
  50: ['ERROR', 'red'],
  60: ['FATAL', 'red'],
};

/** Fields every pino line carries that a reader at a terminal does not need. */
const HIDDEN = new Set(['level', 'time', 'msg', 'pid', 'hostname']);

function formatValue(v: unknown): string {
  if (typeof v === 'string') return /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v);
  if (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number')) return v.join(',');
  return JSON.stringify(v) ?? String(v);
}

function clock(ms: number): string {
  const d = new Date(ms);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/** One pino record as a line (plus an error's stack, indented, on the lines below). */
export function formatPretty(rec: Record<string, unknown>, paint: Paint): string {
  const [label, style] = LEVELS[Number(rec.level)] ?? [String(rec.level).toUpperCase(), null];
  const time = typeof rec.time === 'number' ? clock(rec.time) : '--:--:--';
  const fields: string[] = [];
  let stack = '';
  for (const [k, v] of Object.entries(rec)) {
    if (HIDDEN.has(k) || v === undefined) continue;
    const err = v as { message?: unknown; stack?: unknown } | null;
    if (k === 'err' && typeof err?.message === 'string') {
      fields.push(`err=${formatValue(err.message)}`);
      if (typeof err.stack === 'string') stack = err.stack.split('\n').slice(1).join('\n');
      continue;
    }
    fields.push(`${paint('gray', `${k}=`)}${formatValue(v)}`);
  }
  const head = paint('gray', time);
  const level = style ? paint(style, label.padEnd(5)) : label.padEnd(5);
  const msg = typeof rec.msg === 'string' ? rec.msg : '';
  const line = [head, level, [msg, ...fields].filter(Boolean).join(' ')].join(' ');
  return stack ? `${line}\n${paint('gray', stack)}` : line;
}

/** A pino destination writing `formatPretty` lines; a line that is not JSON passes through. */
export function prettyDestination(write: (text: string) => void, paint: Paint): DestinationStream {
  return {
    write(chunk: string) {
      for (const raw of chunk.split('\n')) {
        if (!raw) continue;
        let rec: Record<string, unknown>;
        try {
          rec = JSON.parse(raw) as Record<string, unknown>;
        } catch {
          write(`${raw}\n`);
          continue;
        }
        write(`${formatPretty(rec, paint)}\n`);
      }
    },
  };
}

export function createLogger(opts: { format: LogFormat; level?: string }): Logger {
  const level = opts.level ?? process.env.LONGRUN_LOG_LEVEL ?? 'info';
  if (opts.format === 'json') return pino({ level }, pino.destination(2));
  const paint = painter(colorEnabled(process.stderr));
  return pino(
    { level },
    prettyDestination((text) => process.stderr.write(text), paint),
  );
}
