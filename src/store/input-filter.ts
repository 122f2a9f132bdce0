/**
 * The job list's input filter (`JobListParams.input`), decided once for both backends: which paths
 * are allowed and what a value matches. A value matches the JSON string equal to it, and when it
 * spells a JSON number, `true` or `false`, that literal too: `count=5` finds `"5"` and `5`.
 * SQLite carries it out with json_type/json_extract (sqlite/jobs-list.ts), PostgreSQL with jsonb
 * containment on a GIN index (postgres/jobs-list.ts).
 */
import { LongrunError } from '../core/errors.ts';
import type { InputFilter } from './types.ts';

/** One field name of a path; the API checks the same before a request reaches the store. */
export const INPUT_PATH_SEGMENT = /^[A-Za-z0-9_-]{1,64}$/;
export const INPUT_PATH_MAX_SEGMENTS = 4;

/**
 * SQLite's bound: the most candidates (jobs that pass every other filter, newest first from the
 * cursor) one page with an input filter examines (sqlite/jobs-list.ts). SQLite has no index on the
 * input, so each candidate costs a row read and a JSON parse, about 1.4 µs (measured at 1,000,000
 * jobs: 10,000 candidates in 14 ms), and a page costs at most that however rare the value: SQLite
 * runs in the server's process, so a longer read would stall every request meanwhile. When the
 * bound stops a page before it is full, the page holds what it found, possibly nothing, and its
 * `next` resumes the scan after the last candidate examined. PostgreSQL needs no bound: its GIN
 * index finds the matches (postgres/search.ts).
 */
export const INPUT_SCAN_LIMIT = 10_000;

/** JSON's number grammar: `05`, `+5`, `.5` and `5.` are strings only. */
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

export interface InputMatch {
  path: string[];
  /** Matches a JSON string equal to it. */
  text: string;
  /**
   * The JSON literal `text` spells, matched as well; null for none. A number is the double it
   * parses to: every stored input went through JSON.stringify, so each number in it is the
   * shortest text of a double, and comparing doubles is exact on both backends (`1e2` finds 100,
   * `5.0` finds 5). One beyond a double's range (`1e400`) spells no number.
   */
  literal: number | boolean | null;
}

export function inputMatches(filters: readonly InputFilter[] | undefined): InputMatch[] {
  return (filters ?? []).map((f) => {
    if (
      f.path.length === 0 ||
      f.path.length > INPUT_PATH_MAX_SEGMENTS ||
      !f.path.every((s) => INPUT_PATH_SEGMENT.test(s))
    ) {
      throw new LongrunError('invalid_input', `input filter path ${JSON.stringify(f.path)} is not allowed`, {
        details: [
          {
            path: `input.${f.path.join('.')}`,
            message: `1 to ${INPUT_PATH_MAX_SEGMENTS} field names of [A-Za-z0-9_-], each at most 64 characters`,
          },
        ],
      });
    }
    return { path: [...f.path], text: f.value, literal: literalOf(f.value) };
  });
}

/**
 * The part of an input an input filter can match, as JSON text: the object fields down to
 * `INPUT_PATH_MAX_SEGMENTS` levels whose names a path may hold and whose values are strings,
 * numbers or booleans (and, for PostgreSQL, strings it can store: `keep`). Arrays, nulls and deeper
 * or oddly named fields can never match, so an index need not hold them: an input of 10,000
 * entity ids costs no index entry for them. Null when nothing is left. Values are read as
 * JSON.stringify writes them (own enumerable keys, `toJSON`, non-finite numbers as null), so the
 * document agrees with the stored input without parsing it back (a parse cost 4 µs a job).
 */
export function searchableInput(
  input: unknown,
  keep: (s: string) => boolean = () => true,
  depth = INPUT_PATH_MAX_SEGMENTS,
): string | null {
  const value = asJson(input, '');
  if (depth === 0 || value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  let out = '';
  for (const key of Object.keys(value)) {
    if (!INPUT_PATH_SEGMENT.test(key)) continue;
    const field = asJson((value as Record<string, unknown>)[key], key);
    let kept: string | null = null;
    if (typeof field === 'string') kept = keep(field) ? JSON.stringify(field) : null;
    else if (typeof field === 'boolean' || (typeof field === 'number' && Number.isFinite(field)))
      kept = String(field);
    else kept = searchableInput(field, keep, depth - 1);
    if (kept !== null) out += `${out ? ',' : '{'}"${key}":${kept}`;
  }
  return out ? `${out}}` : null;
}

function asJson(value: unknown, key: string): unknown {
  const toJSON = (value as { toJSON?: unknown } | null)?.toJSON;
  return typeof toJSON === 'function' ? toJSON.call(value, key) : value;
}

function literalOf(value: string): number | boolean | null {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (!JSON_NUMBER.test(value)) return null;
  const n = Number(value);
  // -0 is 0 in JSON.stringify and in both databases' comparisons.
  return Number.isFinite(n) ? n + 0 : null;
}
