/**
 * What a cancel does to a job, decided once for both stores and for single and bulk cancel alike:
 * a pending job stops at once (`completedAt` now), a running one is marked cancelled and its worker
 * is told, and stops after the step or item in flight (it sets `completedAt` then). Cancelled jobs
 * are left as they are; completed and failed ones never change.
 *
 * Bulk cancel (`jobCancelMany`) takes a filter, refused when empty unless it says `all: true`, and
 * cancels at most `CANCEL_MANY_MAX` jobs per call, in transactions of `CANCEL_MANY_CHUNK`.
 *
 * ```ts
 * const plan = planCancelMany({ statuses: ['pending'], types: ['sync.pull'] }, 10_000);
 * plan.statuses; // ['pending']: only pending and running jobs can be cancelled
 * cancelEffect('pending', now); // { completedAt: now, tellWorker: false }
 * ```
 */
import { LongrunError } from '../core/errors.ts';
import type { JobStatus } from '../core/status.ts';

export const CANCELLABLE = ['pending', 'running'] as const;
export type Cancellable = (typeof CANCELLABLE)[number];

/** Jobs one bulk cancel may cancel; a caller that hits it calls again (`more: true`). */
export const CANCEL_MANY_MAX = 10_000;
/** Jobs per transaction: short enough that claims and finishes are not held up behind a bulk cancel. */
export const CANCEL_MANY_CHUNK = 1_000;

export function cancelEffect(
  from: Cancellable,
  now: number,
): { completedAt: number | null; tellWorker: boolean } {
  return from === 'pending'
    ? { completedAt: now, tellWorker: false }
    : { completedAt: null, tellWorker: true };
}

export interface CancelManyFilter {
  /** Of pending and running; absent means both. */
  statuses?: JobStatus[];
  categories?: string[];
  types?: string[];
  /** Jobs created strictly before this time, ms epoch. */
  createdBefore?: number;
  ids?: string[];
  /** Required to cancel with no other condition: every pending and running job of the workspace. */
  all?: boolean;
}

export interface CancelManyPlan {
  statuses: Cancellable[];
  categories: string[] | null;
  types: string[] | null;
  createdBefore: number | null;
  ids: string[] | null;
  limit: number;
}

function bad(path: string, message: string): LongrunError {
  return new LongrunError('invalid_input', `${path} ${message}`, { details: [{ path, message }] });
}

/** The filter as the stores run it, or `invalid_input` for an empty filter, a status that cannot be cancelled, a bad limit. */
export function planCancelMany(filter: CancelManyFilter, limit: number = CANCEL_MANY_MAX): CancelManyPlan {
  if (!Number.isInteger(limit) || limit < 1 || limit > CANCEL_MANY_MAX)
    throw bad('limit', `must be an integer from 1 to ${CANCEL_MANY_MAX}`);
  const statuses = filter.statuses ?? [...CANCELLABLE];
  const wrong = statuses.filter((s) => !(CANCELLABLE as readonly string[]).includes(s));
  if (wrong.length > 0 || statuses.length === 0)
    throw bad(
      'status',
      `must be pending and/or running: only those can be cancelled (got ${wrong.join(', ') || 'none'})`,
    );
  for (const [path, list] of [
    ['category', filter.categories],
    ['type', filter.types],
    ['ids', filter.ids],
  ] as const) {
    if (list !== undefined && list.length === 0) throw bad(path, 'must not be empty when given');
  }
  if (filter.ids !== undefined && filter.ids.length > CANCEL_MANY_MAX)
    throw bad('ids', `must hold at most ${CANCEL_MANY_MAX} ids`);
  if (filter.createdBefore !== undefined && !Number.isSafeInteger(filter.createdBefore))
    throw bad('createdBefore', 'must be an integer, ms since the epoch');
  const narrowed =
    filter.statuses !== undefined ||
    filter.categories !== undefined ||
    filter.types !== undefined ||
    filter.createdBefore !== undefined ||
    filter.ids !== undefined;
  if (!narrowed && filter.all !== true)
    throw bad(
      'all',
      'must be true for an empty filter, which cancels every pending and running job (or give status, category, type, createdBefore or ids)',
    );
  return {
    statuses: [...new Set(statuses)] as Cancellable[],
    categories: filter.categories ?? null,
    types: filter.types ?? null,
    createdBefore: filter.createdBefore ?? null,
    ids: filter.ids ?? null,
    limit,
  };
}

/**
 * Runs a bulk cancel chunk by chunk: `chunk(n)` cancels up to `n` matching jobs in one transaction
 * and says how many; `remains()` asks whether a matching cancellable job is left. Asked only when
 * the limit was reached: a short chunk already showed none was left.
 */
export async function runCancelMany(
  plan: CancelManyPlan,
  chunk: (n: number) => Promise<number>,
  remains: () => Promise<boolean>,
): Promise<{ cancelled: number; more: boolean }> {
  let cancelled = 0;
  while (cancelled < plan.limit) {
    const want = Math.min(CANCEL_MANY_CHUNK, plan.limit - cancelled);
    const got = await chunk(want);
    cancelled += got;
    if (got < want) return { cancelled, more: false };
    // Between chunks, let the claims, heartbeats and requests queued meanwhile go first.
    await new Promise((r) => setImmediate(r));
  }
  return { cancelled, more: await remains() };
}
