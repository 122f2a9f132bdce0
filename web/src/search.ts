/**
 * The jobs page's search box: `input.bucketId = b1` terms (quoted values may hold spaces; several
 * are AND-ed) become `input.*` filters, and what is left is an id or a name prefix.
 */
export interface ParsedSearch {
  /** Name prefix (or an id, which the page tries first). */
  text: string;
  input: Record<string, string>;
}

const TERM = /\binput\.([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+){0,3})\s*[=:]\s*(?:"([^"]*)"|'([^']*)'|(\S+))/g;

export function parseSearch(raw: string): ParsedSearch {
  const input: Record<string, string> = {};
  const text = raw
    .replace(TERM, (_m, path: string, dq?: string, sq?: string, bare?: string) => {
      input[path] = dq ?? sq ?? bare ?? '';
      return ' ';
    })
    .replace(/\s+/g, ' ')
    .trim();
  return { text, input };
}
