/**
 * What a terminal gets: colour and live redraws only on a TTY. `NO_COLOR` (any non-empty value)
 * turns colour off and `FORCE_COLOR` (anything but `0`/`false`) turns it on, even when piped.
 * Bars and prompts follow the TTY alone, never these variables.
 */
import type { JobStatus, LogLevel } from '../client/index.ts';

export interface TermStream {
  isTTY?: boolean;
}

export function colorEnabled(stream: TermStream, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR) return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return !/^(0|false)$/i.test(force);
  return Boolean(stream.isTTY) && env.TERM !== 'dumb';
}

const CODES = { red: 31, green: 32, yellow: 33, blue: 34, cyan: 36, gray: 90, bold: 1 } as const;
export type Style = keyof typeof CODES;

/** Styles text for one stream; a no-op where colour is off. */
export type Paint = (style: Style, text: string) => string;

export function painter(enabled: boolean): Paint {
  return enabled ? (style, text) => `\x1b[${CODES[style]}m${text}\x1b[0m` : (_style, text) => text;
}

export const paintStdout: Paint = painter(colorEnabled(process.stdout));

const STATUS_STYLE: Record<JobStatus, Style> = {
  pending: 'gray',
  running: 'cyan',
  completed: 'green',
  failed: 'red',
  cancelled: 'yellow',
};

export function statusStyle(status: string): Style | null {
  return STATUS_STYLE[status as JobStatus] ?? null;
}

/** A status padded to `width` first, so colour codes never break column alignment. */
export function paintStatus(paint: Paint, status: string, width = 0): string {
  const style = statusStyle(status);
  const padded = status.padEnd(width);
  return style ? paint(style, padded) : padded;
}

const LEVEL_STYLE: Record<LogLevel, Style> = { info: 'blue', warn: 'yellow', error: 'red' };

export function paintLevel(paint: Paint, level: string, width = 5): string {
  const padded = level.toUpperCase().padEnd(width);
  const style = LEVEL_STYLE[level as LogLevel];
  return style ? paint(style, padded) : padded;
}
