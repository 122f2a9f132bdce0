/** Text for people: durations, times, counts, and terminal escapes removed from job-written text. */

const ANSI =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-_]?|\u009b[0-?]*[ -/]*[@-~]|[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * The engine stores a log line's control characters as visible escapes (`\u001b` as six characters)
 * so a line cannot forge others; a colour code written that way is still noise.
 */
const ESCAPED_CSI = /\\u001b\[[0-?]*[ -/]*[@-~]/gi;

/**
 * Job names, log lines, errors and item keys come from job code and its data: colour codes and
 * other escape sequences are noise in a browser, and control characters could disguise text.
 */
export function clean(text: unknown): string {
  return String(text ?? '')
    .replace(ANSI, '')
    .replace(ESCAPED_CSI, '');
}

const num = new Intl.NumberFormat('en-US');
export const count = (n: number): string => num.format(n);

export function duration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  const s = ms / 1_000;
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${Math.round(s % 60)}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

export function ago(ms: number, now = Date.now()): string {
  const d = now - ms;
  if (d < 5_000) return 'just now';
  return `${duration(d)} ago`;
}

export function clock(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  return new Date(ms).toLocaleString(undefined, {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

export const iso = (ms: number): string => new Date(ms).toISOString();

export function rate(perSecond: number): string {
  if (!(perSecond > 0)) return '';
  if (perSecond >= 10) return `${count(Math.round(perSecond))}/s`;
  if (perSecond >= 1) return `${perSecond.toFixed(1)}/s`;
  return `${(perSecond * 60).toFixed(1)}/min`;
}

/** A job id as typed or pasted: a UUID (v7 for Longrun's own ids). */
export const looksLikeId = (s: string): boolean =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s.trim());

export const shortId = (id: string): string => id.slice(-8);
