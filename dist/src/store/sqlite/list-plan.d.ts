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
    filters: {
        column: 'status' | 'category' | 'type';
        values: readonly string[];
    }[];
}
export declare function planList(p: JobListParams, counts: () => {
    status: string;
    category: string;
    count: number;
}[]): ListPlan;
//# sourceMappingURL=list-plan.d.ts.map