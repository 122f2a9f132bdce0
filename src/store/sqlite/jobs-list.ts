/**
 * Job list pages on SQLite. Lists walk one index range per (status, category) combination, newest
 * first, and merge (list-plan.ts says which index): with a million finished jobs a page still reads
 * about `limit` index entries per range instead of sorting every match. An input filter is a
 * bounded scan over those candidates (`INPUT_SCAN_LIMIT`); a name prefix looks at the newest
 * candidates first and then uses its index (`SEARCH_PROBE`).
 */
import { INPUT_SCAN_LIMIT, type InputMatch, inputMatches } from '../input-filter.ts';
import { SEARCH_PROBE } from '../list.ts';
import { JOB_COLUMNS, rawToJob } from '../rows.ts';
import type { JobListPage, JobListParams } from '../types.ts';
import type { SqliteContext } from './context.ts';
import { limitClause } from './db.ts';
import { jobCounts } from './jobs-read.ts';
import { type ListPlan, planByName, planList } from './list-plan.ts';

/** Candidates fetched per round of a scan grow from a page to this many. */
const SCAN_ROUND_MAX = 2_048;

/**
 * Two phases: walk each index range for positions only (`seq`, from the index itself when no
 * residual filter needs the row), merge, then read full rows for the one page that survives. A
 * five-range unfiltered page thus builds 21 row objects, not 105.
 */
export function jobList(ctx: SqliteContext, p: JobListParams): JobListPage {
  return ctx.read(() => {
    const { seqs, next } = listSeqs(ctx, p);
    if (seqs.length === 0) return { jobs: [], next };
    // Each row as one JSON array text: better-sqlite3 builds a JS value per column (21 × 20 here),
    // and one string per row that JSON.parse expands costs about two thirds of that.
    const rows = pageRows(ctx, 'array', `json_array(${JOB_COLUMNS})`, seqs);
    return { jobs: rows.map((r) => rawToJob(JSON.parse(r) as unknown[])), next };
  });
}

export function listSeqs(ctx: SqliteContext, p: JobListParams): { seqs: number[]; next: number | null } {
  const plan = planList(p, () => jobCounts(ctx, { workspaceId: p.workspaceId }));
  const inputs = inputMatches(p.input);
  const byName = planByName(p);
  if (byName?.nameRange) {
    // The newest candidates first: a prefix most jobs share fills the page there at once.
    const probe = scan(ctx, plan, p, conditions(byName.nameRange, inputs), SEARCH_PROBE);
    if (!probe.bounded) return probe;
    if (inputs.length > 0) {
      // Both filters may stop at the bound: scan whichever has fewer candidates, the name range
      // (sorted in one read) or every job (newest first).
      const small = rangeSize(ctx, byName, p, INPUT_SCAN_LIMIT) < INPUT_SCAN_LIMIT;
      return small
        ? scan(ctx, byName, p, conditions(null, inputs), INPUT_SCAN_LIMIT)
        : scan(ctx, plan, p, conditions(byName.nameRange, inputs), INPUT_SCAN_LIMIT);
    }
    return firstPage(
      candidates(ctx, byName, p.workspaceId, p.before ?? Number.MAX_SAFE_INTEGER, p.limit + 1),
      p,
    );
  }
  if (inputs.length > 0) return scan(ctx, plan, p, conditions(null, inputs), INPUT_SCAN_LIMIT);
  return firstPage(candidates(ctx, plan, p.workspaceId, p.before ?? Number.MAX_SAFE_INTEGER, p.limit + 1), p);
}

/** A page of `limit` from `limit + 1` candidates: the extra one says there is a next page. */
function firstPage(found: number[], p: JobListParams): { seqs: number[]; next: number | null } {
  const seqs = found.slice(0, p.limit);
  return { seqs, next: found.length > p.limit ? (seqs[seqs.length - 1] ?? null) : null };
}

/** The first `n` positions below `before` that pass the plan's filters, newest first. */
function candidates(
  ctx: SqliteContext,
  plan: ListPlan,
  workspaceId: string,
  before: number,
  n: number,
): number[] {
  // INDEXED BY: SQLite keeps no statistics here (no ANALYZE), so the plan names its index.
  let sql = `SELECT seq FROM jobs INDEXED BY ${plan.index} WHERE workspace_id = ?`;
  const ranges: unknown[][] = [];
  if (plan.nameRange) {
    const range = nameRangeSql(plan.nameRange);
    sql += ` AND ${range.sql}`;
    ranges.push(range.args);
  } else {
    sql += ` AND ${plan.column} = ?`;
    for (const value of plan.values) ranges.push([value]);
  }
  const filterArgs: unknown[] = [];
  for (const f of plan.filters) {
    sql += ` AND ${f.column} IN (${f.values.map(() => '?').join(', ')})`;
    filterArgs.push(...f.values);
  }
  sql += ` AND seq < ? ORDER BY seq DESC ${limitClause(n)}`;
  const stmt = ctx.sql.get(sql).pluck();
  let seqs: number[] = [];
  for (const range of ranges) {
    const found = stmt.all(workspaceId, ...range, ...filterArgs, before) as unknown as number[];
    for (const seq of found) seqs.push(seq);
  }
  if (ranges.length > 1) {
    seqs.sort((a, b) => b - a);
    seqs = seqs.slice(0, n);
  }
  return seqs;
}

/** How many jobs the name range holds below the cursor, counted from the index up to `cap`. */
function rangeSize(ctx: SqliteContext, plan: ListPlan, p: JobListParams, cap: number): number {
  const range = nameRangeSql(plan.nameRange ?? { lo: '', hi: null });
  return ctx.sql
    .get(
      `SELECT count(*) FROM (SELECT 1 FROM jobs INDEXED BY jobs_ws_name
         WHERE workspace_id = ? AND ${range.sql} AND seq < ? ${limitClause(cap)})`,
    )
    .pluck()
    .get(p.workspaceId, ...range.args, p.before ?? Number.MAX_SAFE_INTEGER) as unknown as number;
}

function nameRangeSql(range: { lo: string; hi: string | null }): { sql: string; args: string[] } {
  return range.hi === null
    ? { sql: 'name >= ?', args: [range.lo] }
    : { sql: 'name >= ? AND name < ?', args: [range.lo, range.hi] };
}

/** A condition on a job row, checked candidate by candidate. */
interface Conditions {
  sql: string;
  args: unknown[];
}

/**
 * The name range and input filters as one condition. An input value matches a JSON string equal
 * to it, or the literal it spells (input-filter.ts): json_type tells a string from an object or
 * array, whose JSON text json_extract would also return, and a number from the true/false that
 * json_extract returns as 1/0.
 */
function conditions(range: { lo: string; hi: string | null } | null, inputs: InputMatch[]): Conditions {
  const parts: string[] = [];
  const args: unknown[] = [];
  if (range) {
    const r = nameRangeSql(range);
    parts.push(r.sql);
    args.push(...r.args);
  }
  for (const m of inputs) {
    parts.push(`CASE json_type(input, ?)
      WHEN 'text' THEN json_extract(input, ?) = ?
      WHEN 'integer' THEN json_extract(input, ?) = ?
      WHEN 'real' THEN json_extract(input, ?) = ?
      WHEN 'true' THEN ? WHEN 'false' THEN ? ELSE 0 END`);
    const path = `$${m.path.map((s) => `."${s}"`).join('')}`;
    const num = typeof m.literal === 'number' ? m.literal : null;
    args.push(
      path,
      path,
      m.text,
      path,
      num,
      path,
      num,
      m.literal === true ? 1 : 0,
      m.literal === false ? 1 : 0,
    );
  }
  return { sql: parts.join(' AND '), args };
}

/**
 * A page of the candidates that meet `cond`, examining at most `bound` of them, in rounds:
 * candidates newest first (a page's worth, then four times more each round up to
 * `SCAN_ROUND_MAX`; a name range, which sorts on every read, in one round), then which of them
 * match, until the page is full, the candidates run out, or the bound is reached. Then `bounded`
 * is true, the page holds what it found, and `next` resumes after the last candidate examined.
 */
function scan(
  ctx: SqliteContext,
  plan: ListPlan,
  p: JobListParams,
  cond: Conditions,
  bound: number,
): { seqs: number[]; next: number | null; bounded: boolean } {
  const want = p.limit + 1;
  const hits: number[] = [];
  let before = p.before ?? Number.MAX_SAFE_INTEGER;
  let examined = 0;
  let round = Math.min(want, SCAN_ROUND_MAX);
  for (;;) {
    const n = plan.nameRange ? bound : round;
    const fetched = candidates(ctx, plan, p.workspaceId, before, n);
    const batch = fetched.slice(0, bound - examined);
    examined += batch.length;
    for (let at = 0, chunk = want; at < batch.length && hits.length < want; at += chunk, chunk *= 4) {
      for (const seq of matching(ctx, batch.slice(at, at + chunk), cond)) hits.push(seq);
    }
    if (hits.length >= want) return { ...firstPage(hits, p), bounded: false };
    // Ran out of candidates, unless the bound cut the batch short of them.
    if (fetched.length < n && batch.length === fetched.length)
      return { seqs: hits, next: null, bounded: false };
    before = batch[batch.length - 1] ?? before;
    if (examined >= bound) return { seqs: hits, next: before, bounded: true };
    round = Math.min(round * 4, SCAN_ROUND_MAX);
  }
}

/** Which of the positions meet `cond`, in their order. */
function matching(ctx: SqliteContext, seqs: number[], cond: Conditions): number[] {
  if (seqs.length === 0) return [];
  // CROSS JOIN keeps json_each outside: one rowid lookup per position, never a scan of jobs.
  const sql = `SELECT seq FROM json_each(?) c CROSS JOIN jobs ON jobs.seq = c.value WHERE ${cond.sql}`;
  const found = new Set(
    ctx.sql
      .get(sql)
      .pluck()
      .all(JSON.stringify(seqs), ...cond.args) as unknown as number[],
  );
  return seqs.filter((s) => found.has(s));
}

/**
 * One text value per row (`expr`) for the given positions, newest first. `name` keys the statement
 * cache in place of the long SQL text, so each name must always come with the same `expr`.
 */
export function pageRows(ctx: SqliteContext, name: string, expr: string, seqs: number[]): string[] {
  const build = () =>
    `SELECT ${expr} FROM jobs WHERE seq IN (${seqs.map(() => '?').join(', ')}) ORDER BY seq DESC`;
  return ctx.sql
    .named(`pageRows:${name}:${seqs.length}`, build)
    .pluck()
    .all(...seqs) as unknown as string[];
}
