/**
 * What SQLite itself allows on this machine, measured in the same run as Longrun's engine so the
 * ratio means something when the machine is faster or slower: a raw better-sqlite3 loop that claims
 * 50 jobs in one transaction and completes them in the next, and a raw multi-row insert.
 *
 * Two shapes of the table, both with WAL and synchronous=NORMAL as the store opens them:
 * - `bare`: Longrun's jobs table and its claim index, nothing else: what SQLite allows at all;
 * - `full`: the store's own migrated schema, with every list index, trigger and the counts table,
 *   written as raw SQL without the engine: the ceiling the targets are measured against ("the
 *   same schema shape"). The gap between `bare` and `full` is what the schema costs; the gap
 *   between `full` and the engine is what Longrun's code costs.
 *
 * Those two write short ids (`job-17`) and constants where the engine binds values. A third run,
 * `full table, the engine's rows`, inserts and drains what the engine writes: 36-character UUIDv7
 * ids from `newJobId` on each row's own clock reading (as `enqueueMany` stamps them), the type as
 * the name, all 14 insert columns bound. A UUID in the row and in the unique id index is most of
 * the difference (measured: 183,000 → 129,000 inserts/s from the ids alone); it is a cost of the
 * data, not of Longrun's code, so both ratios are printed.
 *
 * A fourth drain, `the engine's rows and history`, also writes what the store keeps of every job
 * as it runs: a status event when it starts and one when it completes (the event log and SSE
 * streams read them) and the attempt's row. That is the same data the engine writes, so the gap
 * between it and the engine is what Longrun's code costs over SQLite for the same writes.
 *
 * ```ts
 * const figures = await sqliteCeiling(dir); // { 'raw claim-50/complete-50 jobs/s, bare table': 61000, … }
 * ```
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { newJobId } from '../src/core/ids.ts';
import { createSqliteStore } from '../src/store/sqlite/index.ts';

const JOBS = 20_000;
const BATCH = 50;
const INSERT_ROWS = 100_000;
const ROWS_PER_STATEMENT = 500;

const round = (n: number) => Math.round(n);

function open(path: string): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  return db;
}

type Rows = 'short' | 'engine';

/** The jobs table's columns a raw insert fills (the rest have defaults or stay null). */
const INSERT_SQL: Record<Rows, (rows: number) => string> = {
  short: (rows) =>
    `INSERT INTO jobs (id, workspace_id, type, category, name, status, input, max_attempts, run_at, created_at, updated_at)
     VALUES ${Array(rows).fill("(?, 'bench', 'bench.noop', 'sync', 'noop', 'pending', ?, 3, ?, ?, ?)").join(', ')}`,
  // The columns and binding of store/sqlite/jobs-queue.ts's insert.
  engine: (rows) =>
    `INSERT INTO jobs (id, workspace_id, type, category, name, status, priority, input, max_attempts, run_at,
       created_at, updated_at, idempotency_key, request_hash, concurrency_key)
     VALUES ${Array(rows).fill("(?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?)").join(', ')}`,
};

function pushRow(args: unknown[], rows: Rows, n: number, now: number): void {
  if (rows === 'short') args.push(`job-${n}`, `{"i":${n}}`, now, now, now);
  else
    args.push(
      newJobId(),
      'bench',
      'bench.noop',
      'sync',
      'bench.noop',
      0,
      JSON.stringify({ i: n }),
      3,
      now,
      now,
      now,
      null,
      null,
      null,
    );
}

function insertRaw(db: Database.Database, n: number, from: number, rows: Rows): void {
  const stmt = db.prepare(INSERT_SQL[rows](ROWS_PER_STATEMENT));
  const now = Date.now();
  db.transaction(() => {
    for (let i = 0; i < n; i += ROWS_PER_STATEMENT) {
      const args: unknown[] = [];
      for (let k = 0; k < ROWS_PER_STATEMENT; k++) pushRow(args, rows, from + i + k, now);
      stmt.run(args);
    }
  })();
}

/**
 * The rows a job's history costs the store (`history`): a status event when it starts and when it
 * completes and an attempt row, one multi-row statement per claimed or completed batch, as the
 * store inserts them.
 */
function historyWriter(db: Database.Database) {
  const statements = new Map<string, Database.Statement>();
  const insert = (table: string, columns: string, row: string, values: unknown[][]) => {
    const key = `${table}.${values.length}`;
    let stmt = statements.get(key);
    if (!stmt) {
      stmt = db.prepare(
        `INSERT INTO ${table} (${columns}) VALUES ${Array(values.length).fill(row).join(', ')}`,
      );
      statements.set(key, stmt);
    }
    stmt.run(values.flat());
  };
  const events = (ids: string[], data: string, now: number) =>
    insert(
      'job_events',
      'workspace_id, job_id, kind, attempt, data, created_at',
      "('bench', ?, 'status', 1, ?, ?)",
      ids.map((id) => [id, data, now]),
    );
  return {
    started: (ids: string[], now: number) => events(ids, '{"status":"running"}', now),
    completed(ids: string[], now: number) {
      events(ids, JSON.stringify({ status: 'completed', completedAt: now }), now);
      insert(
        'job_attempts',
        'job_id, attempt, workspace_id, worker_id, started_at, ended_at, outcome',
        "(?, 1, 'bench', 'w', ?, ?, 'completed')",
        ids.map((id) => [id, now, now]),
      );
    },
  };
}

/** Claims 50 by the claim index, then completes them, each in its own transaction, until none is left. */
function drainRaw(db: Database.Database, full: boolean, history: boolean): number {
  const claim = db.prepare(
    `UPDATE jobs SET status = 'running', attempt = attempt + 1, lease_token = 'tok', lease_owner = 'w',
       lease_expires_at = ?, attempt_started_at = ?, started_at = ?, updated_at = ?
     WHERE seq IN (SELECT seq FROM jobs WHERE status = 'pending' AND run_at <= ?
                   ORDER BY priority DESC, run_at, seq LIMIT ${BATCH})
     RETURNING seq, id, input`,
  );
  const complete = db.prepare(
    `UPDATE jobs SET status = 'completed', completed_at = ?, updated_at = ?, lease_token = NULL,
       lease_owner = NULL, lease_expires_at = NULL
     WHERE seq IN (SELECT value FROM json_each(?)) AND lease_token = 'tok'`,
  );
  // The full schema keeps per-status counts in the same transactions, as the store does.
  const count = full
    ? db.prepare(
        `INSERT INTO job_counts (workspace_id, category, status, n) VALUES ('bench', 'sync', ?, ?)
         ON CONFLICT (workspace_id, category, status) DO UPDATE SET n = n + excluded.n`,
      )
    : null;
  const kept = history ? historyWriter(db) : null;
  const claimTx = db.transaction((now: number) => {
    const rows = claim.all(now + 30_000, now, now, now, now) as { seq: number; id: string; input: string }[];
    count?.run('pending', -rows.length);
    count?.run('running', rows.length);
    if (rows.length > 0)
      kept?.started(
        rows.map((r) => r.id),
        now,
      );
    return rows;
  });
  const completeTx = db.transaction((rows: { seq: number; id: string }[], now: number) => {
    complete.run(now, now, JSON.stringify(rows.map((r) => r.seq)));
    count?.run('running', -rows.length);
    count?.run('completed', rows.length);
    kept?.completed(
      rows.map((r) => r.id),
      now,
    );
  });
  let done = 0;
  const t0 = performance.now();
  for (;;) {
    const rows = claimTx(Date.now());
    if (rows.length === 0) break;
    for (const r of rows) JSON.parse(r.input);
    completeTx(rows, Date.now());
    done += rows.length;
  }
  return round(done / ((performance.now() - t0) / 1000));
}

function bareTable(db: Database.Database): void {
  db.exec(`CREATE TABLE jobs (
    seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, workspace_id TEXT NOT NULL, type TEXT NOT NULL,
    category TEXT NOT NULL, name TEXT NOT NULL, status TEXT NOT NULL, priority INTEGER NOT NULL DEFAULT 0,
    input TEXT NOT NULL, attempt INTEGER NOT NULL DEFAULT 0, max_attempts INTEGER NOT NULL,
    run_at INTEGER NOT NULL, created_at INTEGER NOT NULL, started_at INTEGER, attempt_started_at INTEGER,
    updated_at INTEGER NOT NULL, completed_at INTEGER, lease_token TEXT, lease_owner TEXT,
    lease_expires_at INTEGER);
    CREATE INDEX jobs_claim ON jobs (priority DESC, run_at, seq) WHERE status = 'pending';`);
}

async function openShape(dir: string, shape: 'bare' | 'full', name: string): Promise<Database.Database> {
  const path = join(dir, `ceiling-${shape}-${name}.db`);
  if (shape === 'full') await (await createSqliteStore({ path })).close();
  const db = open(path);
  if (shape === 'bare') bareTable(db);
  return db;
}

export async function sqliteCeiling(dir: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const runs = [
    { shape: 'bare', rows: 'short', label: 'bare table', history: false },
    { shape: 'full', rows: 'short', label: 'full table', history: false },
    { shape: 'full', rows: 'engine', label: "full table, the engine's rows", history: false },
    { shape: 'full', rows: 'engine', label: "full table, the engine's rows and history", history: true },
  ] as const;
  for (const { shape, rows, label, history } of runs) {
    // History changes only the drain: its insert would repeat the run before.
    if (!history) {
      const ins = await openShape(dir, shape, `insert-${rows}`);
      insertRaw(ins, 1_000, 0, rows); // warm-up, as the engine's bench does
      const t0 = performance.now();
      for (let i = 0; i < INSERT_ROWS; i += 10_000) insertRaw(ins, 10_000, 1_000 + i, rows);
      out[`raw multi-row insert jobs/s, ${label}`] = round(INSERT_ROWS / ((performance.now() - t0) / 1000));
      ins.close();
    }
    const drain = await openShape(dir, shape, `drain-${rows}${history ? '-history' : ''}`);
    insertRaw(drain, JOBS, 0, rows);
    out[`raw claim-50/complete-50 jobs/s, ${label}`] = drainRaw(drain, shape === 'full', history);
    drain.close();
  }
  return out;
}
