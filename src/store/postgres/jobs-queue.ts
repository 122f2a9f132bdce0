/**
 * Insert, claim and heartbeat on PostgreSQL: each is ONE self-committing statement (data-modifying
 * CTEs), so enqueueing a batch or claiming a batch costs one round trip and one commit.
 */
import { newLeaseToken } from '../../core/ids.ts';
import { claimLimitsFor } from '../concurrency.ts';
import { JOB_COLUMNS, type Row, rowToJob } from '../rows.ts';
import type { ClaimedJob, ClaimLimit, InsertResult, Lease, LeaseState, NewJob } from '../types.ts';
import {
  announce,
  eventLockFilter,
  nowParam,
  nowSql,
  type PgContext,
  read,
  type Tx,
  transaction,
  writeOne,
} from './context.ts';
import { jobClaimLimited } from './jobs-claim-limited.ts';
import { searchDoc } from './search.ts';
import { clean } from './write-set.ts';

/** Rows per INSERT statement: large enough to amortise a round trip, small enough to keep parameter arrays modest. */
const INSERT_CHUNK = 5_000;

/**
 * Rows whose idempotency key already exists (or repeats earlier in the batch) are skipped by ON
 * CONFLICT DO NOTHING. Like SQLite, a bulk insert records one `pending` event per workspace that
 * carries the count and the last job's id: a dashboard needs to know its list changed, and an
 * event per job would double the cost of a bulk enqueue.
 */
const INSERT_SQL = `WITH t AS MATERIALIZED (SELECT ${nowSql(1)} AS now),
ins AS (
  INSERT INTO jobs (id, workspace_id, type, category, name, status, priority, input, max_attempts, run_at,
    created_at, updated_at, idempotency_key, request_hash, concurrency_key, schedule_id)
  SELECT v.id, v.ws, v.type, v.category, v.name, 'pending', v.priority, v.input, v.max_attempts,
    coalesce(v.run_at, t.now), t.now, t.now, v.ikey, v.rhash, v.ckey, v.sid
  FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::text[], $9::int[],
    $10::bigint[], $11::text[], $12::text[], $19::text[], $20::text[]) WITH ORDINALITY
    v(id, ws, type, category, name, priority, input, max_attempts, run_at, ikey, rhash, ckey, sid, ord), t
  ORDER BY v.ord
  ON CONFLICT (workspace_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
  RETURNING seq, id, workspace_id, category, name
),
se AS (
  INSERT INTO job_search (seq, job_id, workspace_id, name, doc)
  SELECT i.seq, i.id, i.workspace_id, i.name, s.doc::jsonb
  FROM ins i JOIN unnest($2::text[], $18::text[]) s(id, doc) ON s.id = i.id
),
ev AS (
  INSERT INTO job_events (workspace_id, job_id, kind, attempt, data, created_at)
  SELECT w.workspace_id, w.id, 'status', 0, json_build_object('status', 'pending', 'created', w.n)::text, t.now
  FROM (SELECT DISTINCT ON (workspace_id) workspace_id, id, count(*) OVER (PARTITION BY workspace_id) AS n
        FROM ins ORDER BY workspace_id, seq DESC) w, t
  WHERE ${eventLockFilter(13, 14)}
),
cn AS (
  INSERT INTO job_counts (workspace_id, category, status, shard, n)
  SELECT workspace_id, category, 'pending', $15::smallint, count(*) FROM ins
  GROUP BY workspace_id, category ORDER BY workspace_id, category
  ON CONFLICT (workspace_id, category, status, shard) DO UPDATE SET n = job_counts.n + excluded.n
),
nt AS MATERIALIZED (SELECT pg_notify($16::text, $17::text) AS x WHERE $16::text IS NOT NULL)
SELECT i.id FROM ins i LEFT JOIN nt ON true`;

/**
 * Unlike claims and finishes, an insert sends its NOTIFY inside its own statement (the last chunk's):
 * enqueue→start waits on it, and only other inserts share the commit lock that NOTIFY takes.
 */
function insertQuery(ctx: PgContext, jobs: NewJob[], notify: boolean) {
  const c = <T>(f: (j: NewJob) => T) => jobs.map(f);
  return {
    name: 'longrun_insert',
    text: INSERT_SQL,
    values: [
      nowParam(ctx),
      c((j) => j.id),
      c((j) => j.workspaceId),
      c((j) => j.type),
      c((j) => j.category),
      c((j) => clean(j.name)),
      c((j) => j.priority),
      c((j) => JSON.stringify(j.input ?? null)),
      c((j) => j.maxAttempts),
      c((j) => j.runAt),
      c((j) => j.idempotencyKey),
      c((j) => j.requestHash),
      ctx.eventLock[0],
      ctx.eventLock[1],
      Math.floor(Math.random() * 16),
      notify ? ctx.channels.jobs : null,
      ctx.instanceId,
      c((j) => searchDoc(j.workspaceId, j.input)),
      // unnest pads a shorter array with NULLs: a batch without keyed or scheduled jobs sends an
      // empty one instead of a column of NULLs.
      jobs.some((j) => j.concurrencyKey) ? c((j) => j.concurrencyKey ?? null) : [],
      jobs.some((j) => j.scheduleId) ? c((j) => j.scheduleId ?? null) : [],
    ],
  };
}

export async function jobInsert(ctx: PgContext, jobs: NewJob[]): Promise<InsertResult[]> {
  if (jobs.length === 0) return [];
  const created = new Set<string>();
  const run = async (tx: Tx | null) => {
    created.clear();
    for (let i = 0; i < jobs.length; i += INSERT_CHUNK) {
      const chunk = jobs.slice(i, i + INSERT_CHUNK);
      const q = insertQuery(ctx, chunk, i + INSERT_CHUNK >= jobs.length);
      const rows = tx ? await tx.query(q) : await writeOne(ctx, q);
      for (const r of rows) created.add(String(r.id));
    }
  };
  const retries = jobs.filter((j) => j.retryOf);
  if (retries.length > 0)
    // A retry's link, in the insert's transaction: a worker never claims it without. Rare, so its
    // own statement rather than two more arrays in every bulk insert.
    await transaction(ctx, async (tx) => {
      await run(tx);
      await tx.query({
        text: `UPDATE jobs j SET retry_of = v.src, retry_only = v.mode
               FROM unnest($1::text[], $2::text[], $3::text[]) v(id, src, mode) WHERE j.id = v.id`,
        values: [
          retries.map((j) => j.id),
          retries.map((j) => j.retryOf),
          retries.map((j) => j.retryOnly ?? null),
        ],
      });
    });
  else if (jobs.length <= INSERT_CHUNK) await run(null);
  else await transaction(ctx, (tx) => run(tx));
  const out = await resolveExisting(ctx, jobs, created);
  announce(ctx, { channel: 'jobs' }, { remote: false });
  return out;
}

/** Results in input order; a job not created was skipped for its idempotency key, so find who holds it. */
async function resolveExisting(
  ctx: PgContext,
  jobs: NewJob[],
  created: Set<string>,
): Promise<InsertResult[]> {
  const skipped = jobs.filter((j) => !created.has(j.id));
  const holders = new Map<string, { id: string; hash: string | null }>();
  if (skipped.length > 0) {
    const rows = await read(ctx, {
      text: `SELECT j.workspace_id, j.idempotency_key, j.id, j.request_hash FROM jobs j
             JOIN unnest($1::text[], $2::text[]) v(ws, ikey) ON j.workspace_id = v.ws AND j.idempotency_key = v.ikey`,
      values: [skipped.map((j) => j.workspaceId), skipped.map((j) => j.idempotencyKey)],
    });
    for (const r of rows) {
      const hash = r.request_hash === null ? null : String(r.request_hash);
      holders.set(`${r.workspace_id}\u0000${r.idempotency_key}`, { id: String(r.id), hash });
    }
  }
  return jobs.map((j) => {
    if (created.has(j.id)) return { id: j.id, created: true, sameRequest: true };
    const holder = holders.get(`${j.workspaceId}\u0000${j.idempotencyKey}`);
    // Only a purge racing this insert can remove the holder; report it as a different request.
    return { id: holder?.id ?? j.id, created: false, sameRequest: holder?.hash === j.requestHash };
  });
}

/**
 * Picks claimable rows with FOR UPDATE SKIP LOCKED (concurrent claimers skip each other's rows
 * instead of queueing; `claim_candidates` in 001_init.sql) and reaches them again by ctid (locked
 * rows cannot move), starts their attempt, records the `running` events and count moves, all in
 * one statement. The lease token is random per claim plus the row's seq, so every job has its own.
 */
// By default the claim commits without waiting for its WAL flush (synchronous_commit off for this
// one transaction): half of enqueue→start was that flush. It is safe because a claim lost to a
// database crash only puts the jobs back as they were (pending, same attempt, no lease); a worker
// that had started one finds its lease gone at its first fenced write and stops. Inserts, writes
// and finishes keep the durable commit. `claimCommit: 'sync'` leaves the server's setting alone.
/**
 * The claim statement around the rows it starts: `pick` is a condition on `j` (and `t.now`). Each
 * mode is its own statement text, so each gets its own prepared-statement name (`claimName`).
 */
export const claimSql = (pick: string, commit: 'async' | 'sync') => `WITH t AS MATERIALIZED (
  SELECT ${nowSql(1)} AS now${commit === 'async' ? ", set_config('synchronous_commit', 'off', true) AS async_commit" : ''}),
upd AS (
  UPDATE jobs j SET status = 'running', attempt = j.attempt + 1, lease_token = $4::text || '.' || j.seq,
    lease_owner = $5::text, lease_expires_at = t.now + $6::bigint, attempt_started_at = t.now,
    started_at = coalesce(j.started_at, t.now), updated_at = t.now, current_step = NULL
  FROM t WHERE ${pick}
  RETURNING j.seq, ${JOB_COLUMNS}, j.input, j.lease_token, j.lease_expires_at
),
ev AS (
  INSERT INTO job_events (workspace_id, job_id, kind, attempt, data, created_at)
  SELECT u.workspace_id, u.id, 'status', u.attempt, '{"status":"running"}', u.updated_at FROM upd u
  WHERE ${eventLockFilter(7, 8)}
  ORDER BY u.seq
),
cn AS (
  INSERT INTO job_counts (workspace_id, category, status, shard, n)
  SELECT u.workspace_id, u.category, s.status, $9::smallint, sum(s.d) FROM upd u,
    (VALUES ('pending', -1), ('running', 1)) s(status, d)
  GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
  ON CONFLICT (workspace_id, category, status, shard) DO UPDATE SET n = job_counts.n + excluded.n
)
SELECT u.* FROM upd u ORDER BY u.priority DESC, u.run_at, u.seq`;
const CLAIM_PICK = 'j.ctid = ANY(ARRAY(SELECT claim_candidates($2::text[], t.now, $3::int) FROM t))';
const CLAIM_SQL = { async: claimSql(CLAIM_PICK, 'async'), sync: claimSql(CLAIM_PICK, 'sync') };
export const claimName = (base: string, commit: 'async' | 'sync') =>
  commit === 'async' ? base : `${base}_sync`;

export async function jobClaim(
  ctx: PgContext,
  p: { workerId: string; limit: number; types: string[]; leaseMs: number; limits?: ClaimLimit[] },
): Promise<ClaimedJob[]> {
  if (p.limit <= 0 || p.types.length === 0) return [];
  const limits = claimLimitsFor(p.types, p.limits);
  if (limits) return claimedJobs(ctx, await jobClaimLimited(ctx, p, limits));
  const rows: Row[] = await writeOne(ctx, {
    name: claimName('longrun_claim', ctx.claimCommit),
    text: CLAIM_SQL[ctx.claimCommit],
    values: [
      nowParam(ctx),
      p.types,
      p.limit,
      newLeaseToken(),
      p.workerId,
      p.leaseMs,
      ctx.eventLock[0],
      ctx.eventLock[1],
      Math.floor(Math.random() * 16),
    ],
  });
  return claimedJobs(ctx, rows);
}

export function claimedJobs(ctx: PgContext, rows: Row[]): ClaimedJob[] {
  if (rows.length > 0) announce(ctx, { channel: 'events' });
  return rows.map((r) => {
    const job = rowToJob(r);
    return {
      lease: { jobId: job.id, attempt: job.attempt, token: String(r.lease_token) },
      job,
      input: JSON.parse(String(r.input)),
      leaseExpiresAt: Number(r.lease_expires_at),
    };
  });
}

export async function jobHeartbeat(
  ctx: PgContext,
  p: { leases: Lease[]; leaseMs: number },
): Promise<Map<string, LeaseState>> {
  const states = new Map<string, LeaseState>();
  if (p.leases.length === 0) return states;
  const rows = await writeOne(ctx, {
    name: 'longrun_heartbeat',
    text: `UPDATE jobs j SET lease_expires_at = ${nowSql(1)} + $2::bigint
           FROM unnest($3::text[], $4::int[], $5::text[]) v(id, attempt, token)
           WHERE j.id = v.id AND j.attempt = v.attempt AND j.lease_token = v.token AND j.completed_at IS NULL
           RETURNING j.id, j.status`,
    values: [
      nowParam(ctx),
      p.leaseMs,
      p.leases.map((l) => l.jobId),
      p.leases.map((l) => l.attempt),
      p.leases.map((l) => l.token),
    ],
  });
  const found = new Map(rows.map((r) => [String(r.id), String(r.status)]));
  for (const l of p.leases) {
    const status = found.get(l.jobId);
    states.set(l.jobId, status === undefined ? 'lost' : status === 'cancelled' ? 'cancelled' : 'ok');
  }
  return states;
}
