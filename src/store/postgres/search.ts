/**
 * The job_search table's documents (004_dashboard.sql): what an insert stores for the input
 * filter, and the containment a filter asks of it. A document is `{"w": workspace, "i": fields}`
 * with the fields `searchableInput` keeps, so the GIN index answers per workspace. Documents are
 * built here and bound as parameters; no path or value ever becomes SQL text.
 */
import { type InputMatch, searchableInput } from '../input-filter.ts';
import { wellFormed } from '../list.ts';

/** jsonb cannot hold NUL, nor a lone surrogate: such a string is left out, and never matches. */
function storable(s: string): boolean {
  return !s.includes('\u0000') && wellFormed(s) === s;
}

/** The document of a job's input, or null when no field can match. */
export function searchDoc(workspaceId: string, input: unknown): string | null {
  const fields = searchableInput(input, storable);
  return fields === null ? null : `{"w":${JSON.stringify(wellFormed(workspaceId))},"i":${fields}}`;
}

/**
 * One input filter as containment of `column` (a job_search document): the value as a string, OR
 * the literal it spells. SQL `false` when neither can be stored.
 */
export function containment(
  column: string,
  workspaceId: string,
  m: InputMatch,
  param: (v: unknown) => string,
): string {
  const leaves: string[] = [];
  if (storable(m.text)) leaves.push(JSON.stringify(m.text));
  if (m.literal !== null) leaves.push(JSON.stringify(m.literal));
  if (leaves.length === 0) return 'false';
  const w = JSON.stringify(wellFormed(workspaceId));
  const docs = leaves.map((leaf) => `{"w":${w},"i":${nest(m.path, leaf)}}`);
  return `(${docs.map((d) => `${column} @> ${param(d)}::jsonb`).join(' OR ')})`;
}

/** `{"a":{"b":<leaf>}}` for the path a.b, as JSON text. */
function nest(path: string[], leaf: string): string {
  return path.reduceRight((inner, key) => `{${JSON.stringify(key)}:${inner}}`, leaf);
}
