/**
 * How SQLite serves a job list page. Each plan is a set of index ranges walked newest first (one per
 * value of the driving column) plus residual filters; the pages are merged by `seq`.
 *
 * The status and category indexes are `(workspace_id, status, seq)` and `(workspace_id, category,
 * seq)`: neither carries the other column, so a claim or a finish (which change `status`) touch one
 * list index, not two. With both filters, the planner drives by whichever side has fewer jobs in
 * the counts table: every row it walks past is one of those, so the smaller side reads the fewest
 * rows for the same page.
 *
 * A name prefix has its own plan, `planByName`, on `jobs_ws_name (workspace_id, name)`: its range
 * holds only the names that start with the prefix, but in name order, so a page reads the whole
 * range (seq is the rowid, so the index alone gives it) and keeps the newest `limit`: one index
 * entry per job whose name starts with the prefix, plus a row read each when another filter
 * applies. jobs-list.ts uses it only when the newest jobs hold too few matches (`SEARCH_PROBE`).
 */
import { namePrefixRange } from '../list.ts';
import type { JobListParams } from '../types.ts';

export interface ListPlan {
  index: 'jobs_ws_seq' | 'jobs_ws_status' | 'jobs_ws_category' | 'jobs_ws_type' | 'jobs_ws_name';
  /** The driving column; `workspace_id` itself for an unfiltered list. */
  column: 'workspace_id' | 'status' | 'category' | 'type' | 'name';
  /** One equality range per value; for `name`, none: `nameRange` is the one range. */
  values: readonly string[];
  nameRange?: { lo: string; hi: string | null };
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

/** The name prefix's range, every other filter residual; null without a prefix. */
export function planByName(p: JobListParams): ListPlan | null {
  const nameRange = namePrefixRange(p.namePrefix);
  if (!nameRange) return null;
  const filters: ListPlan['filters'] = [];
  if (p.statuses?.length) filters.push({ column: 'status', values: p.statuses });
  if (p.categories?.length) filters.push({ column: 'category', values: p.categories });
  if (p.types?.length) filters.push({ column: 'type', values: p.types });
  return { index: 'jobs_ws_name', column: 'name', values: [], nameRange, filters };
}
