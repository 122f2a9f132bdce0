/**
 * The scale bench's fill: finished jobs written straight into a Longrun PostgreSQL schema (made by
 * the store's own migrations) with INSERT … SELECT FROM generate_series, one statement per chunk
 * of up to 1,000,000 rows, so ten million take minutes rather than the hours the engine would.
 *
 * Each row is what the engine leaves behind for a finished job in the tables the list and claim
 * paths read: the `jobs` row (time-ordered UUIDv7-shaped id, created over the last 30 days, ran
 * for 1 s to 10 min), its `job_search` row (name, and the input document as `searchDoc` builds
 * it), and its count in `job_counts`, all in the one statement so the counts always match the
 * rows. Events, attempts, steps and items of finished jobs are not written: neither a list page
 * nor a claim reads them. Mix: types seo.publish 35%, ai.describe 25%, sync.import 20%, export.csv
 * 10%, bench.noop 10% (the pending jobs' type); statuses completed 92%, failed 5%, cancelled 3%.
 * Also the bench's small helpers: sizes from the environment, and the tables of medians and ratios.
 */
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { Figures } from './engine.ts';
import { median, PG_URL, ratio, spread } from './pg-common.ts';

export const CHUNK = 1_000_000;
const WINDOW_MS = 30 * 24 * 3_600_000;

/** $1 first g, $2 last g, $3 the store's final size (spreads created_at), $4 window start, $5 window ms, $6 workspace. */
const FILL_SQL = `WITH src AS (
  SELECT g, k, st, items,
    $4::bigint + (g * $5::bigint) / $3::bigint AS created,
    (ARRAY['seo.publish', 'ai.describe', 'sync.import', 'export.csv', 'bench.noop'])[k] AS type,
    (ARRAY['seo', 'ai', 'sync', 'export', 'sync'])[k] AS category,
    (ARRAY['Publish bucket b-', 'Describe collection c-', 'Import from shop s-', 'Export orders e-', 'No-op '])[k]
      || (g % (ARRAY[2000, 500, 50, 300, 1000000000])[k]) AS name,
    '{"bucketId":"b-' || (g % 2000) || '","items":' || items || '}' AS input,
    (random() * 2000)::bigint AS queued, 1000 + (random() * 599000)::bigint AS ran
  FROM (SELECT g, width_bucket(random(), ARRAY[0.35, 0.6, 0.8, 0.9]::float8[]) + 1 AS k,
          CASE width_bucket(random(), ARRAY[0.92, 0.97]::float8[])
            WHEN 0 THEN 'completed' WHEN 1 THEN 'failed' ELSE 'cancelled' END AS st,
          1 + (random() * 99)::int AS items
        FROM generate_series($1::bigint, $2::bigint) g) s
),
ins AS (
  INSERT INTO jobs (id, workspace_id, type, category, name, status, input, result, error_code, error_message,
    progress_total, progress_completed, progress_failed, attempt, max_attempts, run_at, created_at,
    started_at, attempt_started_at, updated_at, completed_at, cancel_requested_at, cancel_requested_by,
    logs_total)
  SELECT
    substr(lpad(to_hex(created), 12, '0'), 1, 8) || '-' || substr(lpad(to_hex(created), 12, '0'), 9, 4)
      || '-7' || substr(md5(g::text), 1, 3) || '-8' || substr(md5(g::text), 4, 3) || '-'
      || substr(md5(g::text), 7, 12),
    $6::text, type, category, name, st, input,
    CASE st WHEN 'completed' THEN '{"published":' || items || '}' END,
    CASE st WHEN 'failed' THEN 'handler_error' END,
    CASE st WHEN 'failed' THEN 'the CMS answered 503 Service Unavailable' END,
    items, CASE st WHEN 'completed' THEN items ELSE items / 2 END, CASE st WHEN 'failed' THEN 1 ELSE 0 END,
    CASE st WHEN 'failed' THEN 3 ELSE 1 END, 3, created, created,
    created + queued, created + queued, created + queued + ran, created + queued + ran,
    CASE st WHEN 'cancelled' THEN created + queued + ran / 2 END,
    CASE st WHEN 'cancelled' THEN 'ops' END,
    2 + items
  FROM src ORDER BY g
  RETURNING seq, id, workspace_id, category, status, name, input
),
se AS (
  INSERT INTO job_search (seq, job_id, workspace_id, name, doc)
  SELECT seq, id, workspace_id, name, jsonb_build_object('w', workspace_id, 'i', input::jsonb) FROM ins
),
cn AS (
  INSERT INTO job_counts (workspace_id, category, status, shard, n)
  SELECT workspace_id, category, status, 0, count(*) FROM ins GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
  ON CONFLICT (workspace_id, category, status, shard) DO UPDATE SET n = job_counts.n + excluded.n
)
SELECT status, count(*)::int AS n FROM ins GROUP BY status`;

/** A plain connection to the schema (no pool, no statement timeout) for the fill and maintenance. */
export async function schemaClient(schema: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schema}` });
  await client.connect();
  return client;
}

/** Tells the world a long step is under way; stderr, so the tables on stdout stay clean. */
export function progress(message: string): void {
  process.stderr.write(`[bench scale] ${message}\n`);
}

/**
 * Fills finished jobs `from`+1 … `to` of a store that ends with `total` of them, in chunks of
 * `CHUNK`; returns how many of each status were written.
 */
export async function fillFinished(
  client: pg.Client,
  workspace: string,
  p: { from: number; to: number; total: number; windowStart: number },
): Promise<Record<string, number>> {
  const written: Record<string, number> = {};
  for (let at = p.from; at < p.to; at += CHUNK) {
    const end = Math.min(p.to, at + CHUNK);
    const t0 = performance.now();
    const res = await client.query(FILL_SQL, [at + 1, end, p.total, p.windowStart, WINDOW_MS, workspace]);
    for (const r of res.rows) written[r.status] = (written[r.status] ?? 0) + Number(r.n);
    const s = (performance.now() - t0) / 1000;
    if (end - at >= 100_000)
      progress(`filled ${end.toLocaleString('en-US')} finished jobs (this chunk ${s.toFixed(1)} s)`);
  }
  return written;
}

export const fillWindowStart = (): number => Date.now() - WINDOW_MS;

/**
 * VACUUM (visibility map, hint bits) and ANALYZE the tables the fill wrote, as autovacuum would
 * have done on a store that grew this large over weeks (the bench server may run without it);
 * then a CHECKPOINT where the role may, so the fill's gigabytes are not written out during the
 * measurements.
 */
export async function vacuumAnalyze(client: pg.Client): Promise<void> {
  for (const table of ['jobs', 'job_search', 'job_counts']) await client.query(`VACUUM (ANALYZE) ${table}`);
  await client.query('CHECKPOINT').catch(() => {});
}

/** Total size of the schema's tables and indexes, for the progress lines. */
export async function schemaSize(client: pg.Client, schema: string): Promise<string> {
  const res = await client.query(
    `SELECT pg_size_pretty(sum(pg_total_relation_size(c.oid))::bigint) AS s FROM pg_class c
     JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'r'`,
    [schema],
  );
  return String(res.rows[0]?.s);
}

/**
 * Fills, VACUUM ANALYZE, and checks that the store's counts (`completedInStore`, read from
 * job_counts) match the completed rows; returns the seconds each step took.
 */
export async function fillAndSettle(
  client: pg.Client,
  workspace: string,
  p: { from: number; to: number; total: number; windowStart: number; schema: string; label: string },
  completedInStore: () => Promise<number>,
): Promise<{ fill: number; vacuum: number }> {
  const t0 = performance.now();
  await fillFinished(client, workspace, p);
  const t1 = performance.now();
  await vacuumAnalyze(client);
  const t2 = performance.now();
  const rows = await client.query("SELECT count(*)::int AS n FROM jobs WHERE status = 'completed'");
  if ((await completedInStore()) !== rows.rows[0]?.n)
    throw new Error(`${p.label}: job_counts does not match the rows filled`);
  progress(
    `${p.label}: ${p.to.toLocaleString('en-US')} finished jobs, ${await schemaSize(client, p.schema)}`,
  );
  return { fill: (t1 - t0) / 1000, vacuum: (t2 - t1) / 1000 };
}

/** A positive whole number from the environment, else `fallback`. */
export function envSize(name: string, fallback: number): number {
  const n = Number(process.env[name] ?? fallback);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} must be a positive integer`);
  return n;
}

/**
 * The figures recorded under `prefix` (the others, when it is empty, except those under `at `) as
 * one table: a column per store and their ratio. Throughput reads baseline ÷ large and times large
 * ÷ baseline, so a ratio above 1 always means the large store is worse.
 */
export function ratioTable(
  figures: Figures,
  title: string,
  [base, large]: [Map<string, number[]>, Map<string, number[]>],
  cols: [string, string],
  prefix: string,
): void {
  const order = ['claim', 'enqueue→start', 'GET', 'enqueueMany'];
  const keys = [...base.keys()].filter((k) => (prefix ? k.startsWith(prefix) : !k.startsWith('at ')));
  const rank = (k: string) => order.findIndex((o) => k.slice(prefix.length).startsWith(o));
  for (const figure of keys.sort((a, b) => rank(a) - rank(b))) {
    const [b, l] = [base.get(figure) ?? [], large.get(figure) ?? []];
    const row = figure.slice(prefix.length);
    figures[`${title} › ${row} › ${cols[0]}`] = spread(b);
    figures[`${title} › ${row} › ${cols[1]}`] = spread(l);
    figures[`${title} › ${row} › ratio`] = /jobs\/s/.test(figure)
      ? ratio(median(b), median(l))
      : ratio(median(l), median(b));
  }
}
