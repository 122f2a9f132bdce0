/**
 * Control characters made visible (`\n`, `\r`, `\u001b`…), so text that comes from jobs (names,
 * log lines, errors, item keys) can neither forge a line nor move a terminal's cursor. The engine
 * applies it to log lines as they are written; the CLI to every job field it prints.
 *
 * ```ts
 * escapeControlChars('done\r\u001b[2J'); // 'done\\r\\u001b[2J'
 * ```
 */
export function escapeControlChars(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: escaping control characters is the point.
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f\u2028\u2029]/g, (c) =>
    c === '\n' ? '\\n' : c === '\r' ? '\\r' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
