/**
 * The queue on SQLite: insert, claim and heartbeat (buffered writes are in jobs-progress.ts,
 * finishes in jobs-finish.ts). Each call is one `BEGIN IMMEDIATE` transaction however many jobs it carries; that
 * batching is what takes SQLite from ~4,500 jobs/s (a transaction per job) to tens of thousands.
 */
import { newLeaseToken } from '../../core/ids.ts';
import { claimLimitsFor } from '../concurrency.ts';
import { JOB_COLUMN_COUNT, JOB_COLUMNS, type Row, rawToJob } from '../rows.ts';
import type { ClaimedJob, ClaimLimit, InsertResult, Lease, LeaseState, NewJob } from '../types.ts';
import { applyCountDeltas, CountDeltas, insertEvent, type SqliteContext } from './context.ts';
import { anyPaused, pickFlowControlled } from './flow.ts';

const JOB_INSERT_COLUMNS =
  '(id, workspace_id, type, category, name, status, priority, input, max_attempts, run_at, created_at, updated_at, idempotency_key, request_hash, concurrency_key)';
const JOB_INSERT_VALUES = "(?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?)";
const INSERT_WIDTH = 14;

/** Writes one job's 14 parameters into `args` at `at`; a flat array avoids an array per job. */
function fillInsertArgs(args: unknown[], at: number, j: NewJob, now: number): void {
  args[at] = j.id;
  args[at + 1] = j.workspaceId;
  args[at + 2] = j.type;
  args[at + 3] = j.category;
  args[at + 4] = j.name;
  args[at + 5] = j.priority;
  args[at + 6] = JSON.stringify(j.input ?? null);
  args[at + 7] = j.maxAttempts;
  args[at + 8] = j.runAt ?? now;
  args[at + 9] = now;
  args[at + 10] = now;
  args[at + 11] = j.idempotencyKey;
  args[at + 12] = j.requestHash;
  args[at + 13] = j.concurrencyKey ?? null;
}

/**
 * Inserts in multi-row statements of 200, 10 and 1 rows (fewer native calls per job). A bulk insert records one
 * `pending` event per workspace carrying the count, not one per job: an event per job would
 * double the cost of a bulk enqueue, and a dashboard only needs to know that its list changed.
 */
export function jobInsert(ctx: SqliteContext, jobs: NewJob[]): InsertResult[] {
  const results = ctx.write((now) => {
    const deltas = new CountDeltas();
    const findByKey = ctx.sql.get(
      'SELECT id, request_hash FROM jobs WHERE workspace_id = ? AND idempotency_key = ?',
    );
    const out: InsertResult[] = [];
    const fresh: NewJob[] = [];
    for (const j of jobs) {
      const existing =
        j.idempotencyKey === null
          ? undefined
          : (findByKey.get(j.workspaceId, j.idempotencyKey) as Row | undefined);
      if (existing) {
        out.push({
          id: String(existing.id),
          created: false,
          sameRequest: existing.request_hash === j.requestHash,
        });
        continue;
      }
      // Two requests with one new key in the same batch: the second is a repeat of the first.
      const twin =
        j.idempotencyKey === null
          ? undefined
          : fresh.find((f) => f.workspaceId === j.workspaceId && f.idempotencyKey === j.idempotencyKey);
      if (twin) {
        out.push({ id: twin.id, created: false, sameRequest: twin.requestHash === j.requestHash });
        continue;
      }
      fresh.push(j);
      deltas.add(j.workspaceId, j.category, 'pending', 1);
      out.push({ id: j.id, created: true, sameRequest: true });
    }
    let i = 0;
    for (const chunk of [200, 10, 1]) {
      const stmt = ctx.sql.get(
        `INSERT INTO jobs ${JOB_INSERT_COLUMNS} VALUES ${Array(chunk).fill(JOB_INSERT_VALUES).join(', ')}`,
      );
      const args: unknown[] = new Array(chunk * INSERT_WIDTH);
      for (; fresh.length - i >= chunk; i += chunk) {
        for (let k = 0; k < chunk; k++) fillInsertArgs(args, k * INSERT_WIDTH, fresh[i + k]!, now);
        stmt.run(args);
      }
    }
    // Off the insert statement so jobs without a schedule (nearly all) pay nothing for the column.
    for (const j of fresh)
      if (j.scheduleId) ctx.sql.get('UPDATE jobs SET schedule_id = ? WHERE id = ?').run(j.scheduleId, j.id);
    const perWorkspace = new Map<string, { last: string; n: number }>();
    for (const j of fresh) {
      perWorkspace.set(j.workspaceId, { last: j.id, n: (perWorkspace.get(j.workspaceId)?.n ?? 0) + 1 });
      // A retry's link, in the same transaction: a worker never claims it without. Rare, so its
      // own statement rather than two more columns in every bulk insert.
      if (j.retryOf)
        ctx.sql
          .get('UPDATE jobs SET retry_of = ?, retry_only = ? WHERE id = ?')
          .run(j.retryOf, j.retryOnly ?? null, j.id);
    }
    for (const [workspaceId, { last, n }] of perWorkspace) {
      insertEvent(ctx, {
        workspaceId,
        jobId: last,
        kind: 'status',
        attempt: 0,
        now,
        data: { status: 'pending', created: n },
      });
    }
    applyCountDeltas(ctx, deltas);
    return out;
  });
  ctx.afterCommit.jobsAvailable();
  ctx.afterCommit.eventsAdded();
  return results;
}

const RUNNING_EVENT = JSON.stringify({ status: 'running' });

const CLAIM_UPDATE = `UPDATE jobs SET status = 'running', attempt = attempt + 1, lease_token = ? || '.' || seq,
  lease_owner = ?, lease_expires_at = ?, attempt_started_at = ?, started_at = coalesce(started_at, ?), updated_at = ?,
  current_step = NULL`;
const CLAIM_RETURNING = `RETURNING ${JOB_COLUMNS}, input, lease_token, lease_expires_at`;

export function jobClaim(
  ctx: SqliteContext,
  p: { workerId: string; limit: number; types: string[]; leaseMs: number; limits?: ClaimLimit[] },
): ClaimedJob[] {
  if (p.limit <= 0 || p.types.length === 0) return [];
  const limits = claimLimitsFor(p.types, p.limits);
  const token = newLeaseToken();
  const typeList = p.types.map(() => '?').join(', ');
  const claimed = ctx.write((now) => {
    const head = [token, p.workerId, now + p.leaseMs, now, now, now];
    // Already serialised: a claim is a write transaction (BEGIN IMMEDIATE), so no other claim can
    // start a job between this one counting a key's slots and filling them (flow.ts).
    const picked = limits || anyPaused(ctx) ? pickFlowControlled(ctx, p, limits, now) : null;
    if (picked?.length === 0) return [];
    const rows = (picked
      ? ctx.sql
          .get(`${CLAIM_UPDATE} WHERE seq IN (SELECT value FROM json_each(?)) ${CLAIM_RETURNING}`)
          .raw()
          .all(...head, JSON.stringify(picked))
      : ctx.sql
          .get(
            `${CLAIM_UPDATE}
         WHERE seq IN (SELECT seq FROM jobs WHERE status = 'pending' AND run_at <= ? AND type IN (${typeList})
                       ORDER BY priority DESC, run_at, seq LIMIT ?)
         ${CLAIM_RETURNING}`,
          )
          // Raw arrays: a claim batch returns hundreds of 24-column rows, and keyed row objects
          // cost twice as much to build.
          .raw()
          .all(...head, now, ...p.types, p.limit)) as unknown as unknown[][];
    if (rows.length === 0) return [];
    const deltas = new CountDeltas();
    const out: ClaimedJob[] = [];
    const extra = JOB_COLUMN_COUNT;
    for (const r of rows) {
      const job = rawToJob(r);
      deltas.move(job.workspaceId, job.category, 'pending', 'running');
      insertEvent(ctx, {
        workspaceId: job.workspaceId,
        jobId: job.id,
        kind: 'status',
        attempt: job.attempt,
        now,
        data: RUNNING_EVENT,
      });
      out.push({
        lease: { jobId: job.id, attempt: job.attempt, token: String(r[extra + 1]) },
        job,
        input: JSON.parse(String(r[extra])),
        leaseExpiresAt: Number(r[extra + 2]),
      });
    }
    applyCountDeltas(ctx, deltas);
    return out;
  });
  if (claimed.length > 0) ctx.afterCommit.eventsAdded();
  return claimed;
}

export function jobHeartbeat(
  ctx: SqliteContext,
  p: { leases: Lease[]; leaseMs: number },
): Map<string, LeaseState> {
  const states = new Map<string, LeaseState>();
  if (p.leases.length === 0) return states;
  ctx.write((now) => {
    const stmt = ctx.sql.get(
      `UPDATE jobs SET lease_expires_at = ? WHERE id = ? AND attempt = ? AND lease_token = ? AND completed_at IS NULL
       RETURNING status`,
    );
    for (const l of p.leases) {
      const row = stmt.get(now + p.leaseMs, l.jobId, l.attempt, l.token) as Row | undefined;
      states.set(l.jobId, !row ? 'lost' : row.status === 'cancelled' ? 'cancelled' : 'ok');
    }
  });
  return states;
}
