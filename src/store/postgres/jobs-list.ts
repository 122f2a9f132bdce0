/**
 * Job list pages on PostgreSQL. A list with several status/category/type values becomes a UNION ALL
 * of one ordered index range per combination under one ORDER BY seq DESC LIMIT, which PostgreSQL
 * runs as a Merge Append: a page reads about `limit` index entries per combination however many
 * finished jobs there are. A name prefix or an input filter first looks at the newest candidates
 * that way (`SEARCH_PROBE`), then at what its index on job_search finds (`searchQuery`).
 */
import { toJobJson } from '../../core/job-json.ts';
import { JOB_STATUSES } from '../../core/status.ts';
import { type InputMatch, inputMatches } from '../input-filter.ts';
import { listCombos, namePrefixRange, SEARCH_PROBE } from '../list.ts';
import { JOB_COLUMNS, num, type Row, rowToJob } from '../rows.ts';
import type { JobListJsonPage, JobListPage, JobListParams } from '../types.ts';
import { type PgContext, read } from './context.ts';
import { containment } from './search.ts';
import { clean } from './write-set.ts';

type Param = (v: unknown) => string;
type NameRange = { lo: string; hi: string | null };

/** `JOB_COLUMNS` of the job row aliased `alias`. */
const columnsOf = (alias: string) => `${alias}.seq, ${JOB_COLUMNS.replace(/(^|, )/g, `$1${alias}.`)}`;

export async function jobList(ctx: PgContext, p: JobListParams): Promise<JobListPage> {
  // Names are stored with NUL as U+FFFD (write-set.ts), so a prefix is matched the same way.
  const name = namePrefixRange(p.namePrefix === undefined ? undefined : clean(p.namePrefix));
  const inputs = inputMatches(p.input);
  let rows: Row[];
  if (!name && inputs.length === 0) {
    rows = await run(ctx, p, (param) => combosQuery(p, param, '$3'));
  } else {
    // The newest candidates first: a prefix or value most jobs share fills the page there at once.
    rows = await run(ctx, p, (param) => {
      const where = [
        ...(name ? nameConditions('c.name', name, param) : []),
        ...inputs.map((m) => containment('s.doc', p.workspaceId, m, param)),
      ];
      const join = inputs.length > 0 ? ' JOIN job_search s ON s.seq = c.seq' : '';
      return `SELECT ${columnsOf('c')} FROM (${combosQuery(p, param, param(SEARCH_PROBE))}) c${join}
        WHERE ${where.join(' AND ')} ORDER BY c.seq DESC LIMIT $3`;
    });
    if (rows.length <= p.limit) rows = await run(ctx, p, (param) => searchQuery(p, name, inputs, param));
  }
  const page = rows.slice(0, p.limit);
  const last = page[page.length - 1];
  return { jobs: page.map(rowToJob), next: rows.length > p.limit && last ? num(last.seq) : null };
}

/** Runs a list statement: $1 workspace, $2 the cursor, $3 the page size plus one, then its own. */
function run(ctx: PgContext, p: JobListParams, build: (param: Param) => string): Promise<Row[]> {
  const values: unknown[] = [p.workspaceId, p.before ?? Number.MAX_SAFE_INTEGER, p.limit + 1];
  const text = build((v) => {
    values.push(v);
    return `$${values.length}`;
  });
  return read(ctx, { text, values });
}

function nameConditions(column: string, range: NameRange, param: Param): string[] {
  const lo = `${column} COLLATE "C" >= ${param(range.lo)}`;
  return range.hi === null ? [lo] : [lo, `${column} COLLATE "C" < ${param(range.hi)}`];
}

/**
 * A name prefix or input filter by its index on job_search, fenced in a subquery (OFFSET 0) so
 * that the planner cannot AND its bitmap with another index's. Planned generically
 * (plan_cache_mode, db.ts), it would: taking a workspace for half the table, it read 450,000
 * entries of another index to narrow 100 GIN matches (84 ms instead of 2). The input filter drives
 * when there is one. The cost is the number of matches: each is sorted (for a name prefix alone,
 * from its index only), and read from jobs too when a status, category or type filter applies.
 */
function searchQuery(p: JobListParams, name: NameRange | null, inputs: InputMatch[], param: Param): string {
  const driver =
    inputs.length > 0
      ? inputs.map((m) => containment('doc', p.workspaceId, m, param))
      : ['workspace_id = $1', ...(name ? nameConditions('name', name, param) : [])];
  const found = ['seq < $2', ...(inputs.length > 0 && name ? nameConditions('name', name, param) : [])];
  const jobs: string[] = [];
  if (p.statuses?.length) jobs.push(`j.status = ANY(${param(p.statuses)}::text[])`);
  if (p.categories?.length) jobs.push(`j.category = ANY(${param(p.categories)}::text[])`);
  if (p.types?.length) jobs.push(`j.type = ANY(${param(p.types)}::text[])`);
  const matches = `(SELECT seq, job_id FROM (SELECT seq, job_id, name FROM job_search
    WHERE ${driver.join(' AND ')} OFFSET 0) d WHERE ${found.join(' AND ')}`;
  // Without a filter on jobs, the page is known before any job row is read.
  const s = jobs.length === 0 ? `${matches} ORDER BY seq DESC LIMIT $3) s` : `${matches}) s`;
  return `SELECT ${columnsOf('j')} FROM ${s} JOIN jobs j ON j.id = s.job_id
    WHERE ${['j.workspace_id = $1', ...jobs].join(' AND ')} ORDER BY s.seq DESC LIMIT $3`;
}

/** The ordered walk: newest first from one index range per combination, `limit` rows. */
function combosQuery(p: JobListParams, param: Param, limit: string): string {
  const typeFilter =
    p.types?.length && (p.categories?.length || p.statuses?.length)
      ? ` AND type = ANY(${param(p.types)}::text[])`
      : '';
  let combos = listCombos(p);
  // Without a filter, the per-status ranges stand in for a (workspace_id, seq) index (see 001_init.sql).
  if (!p.statuses?.length && !p.categories?.length && !p.types?.length)
    combos = JOB_STATUSES.map((status) => ({ status }));
  const parts = combos.map((combo) => {
    let where = 'workspace_id = $1 AND seq < $2';
    for (const col of ['category', 'status', 'type'] as const) {
      const v = combo[col];
      if (v !== undefined) where += ` AND ${col} = ${param(v)}`;
    }
    return `(SELECT seq, ${JOB_COLUMNS} FROM jobs WHERE ${where}${typeFilter} ORDER BY seq DESC LIMIT ${limit})`;
  });
  return parts.length === 1
    ? (parts[0] as string)
    : `SELECT * FROM (${parts.join(' UNION ALL ')}) u ORDER BY seq DESC LIMIT ${limit}`;
}

/**
 * Written in JS from the rows: PostgreSQL's json_build_object spaces its output (`{"id" : …}`), a
 * fifth more bytes on every page, and a page here costs a network round trip anyway.
 */
export async function jobListJson(ctx: PgContext, p: JobListParams): Promise<JobListJsonPage> {
  const page = await jobList(ctx, p);
  return { json: JSON.stringify(page.jobs.map(toJobJson)), next: page.next };
}
