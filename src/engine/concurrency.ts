/**
 * A job type's concurrency limit, as code declares it on `defineJob`: a number caps the jobs of the
 * type running at once everywhere; `{ key, limit }` caps them per key of a workspace (the key is
 * computed from the input when the job is enqueued and stored on it). Claims honour the limits
 * (store/concurrency.ts); nothing is enforced in the worker, so every process counts the same jobs.
 *
 * ```ts
 * defineJob({ type: 'sync.integration', category: 'sync', input,
 *   concurrency: { key: (input) => input.integrationId, limit: 1 }, run });
 * ```
 */
import { LongrunError } from '../core/errors.ts';
import type { ClaimLimit } from '../store/types.ts';

export type ConcurrencyOption<I> =
  | number
  | {
      /** The key jobs share a limit by; a null or undefined key leaves the job unlimited. */
      key: (input: I) => string | number | null | undefined;
      limit: number;
    };

/** Longest key stored; a key is an identifier (an integration id, a tenant), not a document. */
export const MAX_CONCURRENCY_KEY_LENGTH = 500;

const validLimit = (n: unknown) => Number.isInteger(n) && (n as number) >= 1 && (n as number) <= 1_000_000;

/** Thrown at definition time: a limit that is not a positive integer is a bug in the code. */
export function checkConcurrency(type: string, c: ConcurrencyOption<never> | undefined): void {
  if (c === undefined) return;
  const ok = typeof c === 'number' ? validLimit(c) : typeof c?.key === 'function' && validLimit(c.limit);
  if (!ok) {
    throw new LongrunError(
      'invalid_input',
      `job type "${type}": concurrency must be an integer from 1 to 1,000,000, or { key: (input) => string, limit }`,
    );
  }
}

export function claimLimitOf(def: {
  type: string;
  concurrency?: ConcurrencyOption<never>;
}): ClaimLimit | null {
  const c = def.concurrency;
  if (c === undefined) return null;
  return typeof c === 'number'
    ? { type: def.type, limit: c, perKey: false }
    : { type: def.type, limit: c.limit, perKey: true };
}

/**
 * The key a new job of a keyed type is stored with, or null. A key function that throws or gives
 * something other than a string or number, or a key longer than 500 characters, refuses the job
 * (invalid_input): the input it was given cannot be limited as the code asks.
 */
export function concurrencyKeyOf<I>(
  type: string,
  c: ConcurrencyOption<I> | undefined,
  input: I,
): string | null {
  if (c === undefined || typeof c === 'number') return null;
  let key: unknown;
  try {
    key = c.key(input);
  } catch (err) {
    throw refused(type, `its concurrency key function threw: ${(err as Error)?.message ?? String(err)}`);
  }
  if (key === null || key === undefined) return null;
  if (typeof key === 'number' && Number.isFinite(key)) return String(key);
  if (typeof key !== 'string')
    throw refused(type, `its concurrency key must be a string or a number, not ${typeof key}`);
  if (key.length > MAX_CONCURRENCY_KEY_LENGTH)
    throw refused(type, `its concurrency key is longer than ${MAX_CONCURRENCY_KEY_LENGTH} characters`);
  return key;
}

function refused(type: string, why: string): LongrunError {
  return new LongrunError('invalid_input', `input for ${type} cannot be enqueued: ${why}`, {
    details: [{ path: 'input', message: why }],
  });
}
