/**
 * The API's two hottest answers written by SQLite itself: a list page and a job's detail, as the
 * JSON text of `toJobJson` / `toJobDetailJson` (core/job-json.ts), without a row object, a job
 * object or a stringify in between. The conformance suite holds them parse-equal to those
 * functions applied to `jobList` / `jobDetailGet`.
 *
 * Integer columns print as integers; CASE keeps json_object's JSON subtype, so `error` nests as an
 * object; `json(input)` embeds the stored JSON text as JSON. `ORDER BY` inside json_group_array
 * needs SQLite 3.44 (better-sqlite3 bundles its own, newer).
 */
import type { JobListJsonPage, JobListParams } from '../types.ts';
import type { SqliteContext } from './context.ts';
/**
 * The page as JSON without a job object in between: a list page is the API's busiest read, and
 * rows → objects → JSON cost 45 µs a page where SQLite writing the JSON costs 29 (and leaves no
 * garbage for the scavenger).
 */
export declare function jobListJson(ctx: SqliteContext, p: JobListParams): JobListJsonPage;
/**
 * The detail in one statement where `jobDetailGet` runs four and builds the objects: the attempts
 * are the same union as `attemptList` (ended ones, the one in flight, a completed job's last; the
 * last two read off the outer row rather than looking the job up again), the logs the newest
 * `logLimit` lines in id order.
 */
export declare function jobDetailJson(ctx: SqliteContext, p: {
    workspaceId: string;
    id: string;
    logLimit: number;
}): string | null;
//# sourceMappingURL=job-json.d.ts.map