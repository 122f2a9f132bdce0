/**
 * The part of a `failed-items` retry the handler context needs: what the retried job recorded, and
 * from it the items of a step that run again (core/retry.ts decides each one).
 *
 * ```ts
 * const scoped = await scopeItems(scope, 'push', contacts, (c) => c.id);
 * scoped.items; // the contacts to run; scoped.indexes[i] is each one's index in `contacts`
 * ```
 */
import type { ItemStatus, StepStatus } from '../core/job.ts';
import { runsAgain } from '../core/retry.ts';

/** The retried job's record: its steps' statuses, and a step's item statuses on demand. */
export interface RetryScope {
  steps: Map<string, StepStatus>;
  loadItems(step: string): Promise<Map<string, ItemStatus>>;
}

/** The items of a step a partial retry runs, with their indexes in the handler's list. */
export async function scopeItems<T>(
  scope: RetryScope,
  step: string,
  items: readonly T[],
  key: (item: T, index: number) => string,
): Promise<{ items: T[]; indexes: number[] }> {
  const oldStep = scope.steps.get(step);
  const oldItems = await scope.loadItems(step);
  const out: { items: T[]; indexes: number[] } = { items: [], indexes: [] };
  items.forEach((item, i) => {
    if (runsAgain(oldStep, oldItems.get(key(item, i)))) {
      out.items.push(item);
      out.indexes.push(i);
    }
  });
  return out;
}
