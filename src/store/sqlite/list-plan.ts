/**
 * How SQLite serves a job list page. Each plan is a set of index ranges walked newest first (one per
 * value of the driving column) plus residual filters; the pages are merged by `seq`.
 *
 * The status and category indexes are `(workspace_id, status, seq)` and `(workspace_id, category,
 * seq)`: neither carries the other column, so a claim or a finish (which change `status`) touch one
 * list index, not two. With both filters, the planner drives by whichever side has fewer jobs in
 * the counts table: every row it walks past is one of those, so the smaller side reads the fewest
 * rows for the same page.
 */
import type { JobListParams } from '../types.ts';

export interface ListPlan {
  index: 'jobs_ws_seq' | 'jobs_ws_status' | 'jobs_ws_category' | 'jobs_ws_type';
  /** The driving column; `workspace_id` itself for an unfiltered list. */
  column: 'workspace_id' | 'status' | 'category' | 'type';
  values: readonly string[];
  /** Residual `column IN (...)` filters applied to each range. */
  filters: { column: 'status' | 'category' | 'type'; values: readonly string[] }[];
}

export function planList(
  p: JobListParams,
  counts: () => { status: string; category: string; count: number }[],
): ListPlan {
  const statuses = p.statuses?.length ? p.statuses : null;
  const categories = p.categories?.length ? p.categories : null;
  const types = p.types?.length ? p.types : null;
  const typeFilter = types ? [{ column: 'type' as const, values: types }] : [];
  if (statuses && categories) {
    const rows = counts();
    const sum = (pred: (r: { status: string; category: string }) => boolean) =>
      rows.filter(pred).reduce((s, r) => s + r.count, 0);
    const byStatus = sum((r) => statuses.includes(r.status as never));
    const byCategory = sum((r) => categories.includes(r.category));
    return byStatus <= byCategory
      ? {
          index: 'jobs_ws_status',
          column: 'status',
          values: statuses,
          filters: [{ column: 'category', values: categories }, ...typeFilter],
        }
      : {
          index: 'jobs_ws_category',
          column: 'category',
          values: categories,
          filters: [{ column: 'status', values: statuses }, ...typeFilter],
        };
  }
  if (categories)
    return { index: 'jobs_ws_category', column: 'category', values: categories, filters: typeFilter };
  if (statuses) return { index: 'jobs_ws_status', column: 'status', values: statuses, filters: typeFilter };
  if (types) return { index: 'jobs_ws_type', column: 'type', values: types, filters: [] };
  return { index: 'jobs_ws_seq', column: 'workspace_id', values: [p.workspaceId], filters: [] };
}
