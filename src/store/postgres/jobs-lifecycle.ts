/**
 * Transitions that do not come from the worker holding the lease, on PostgreSQL: cancel (from a
 * user, on any API node), lease recovery (from any process's reaper) and retention purge. Rows are
 * locked before deciding, so a cancel racing a finish, or two reapers, resolve to one outcome.
 */
import { LongrunError } from '../../core/errors.ts';
import type { AttemptOutcome, JobStatus } from '../../core/status.ts';
import { cancelEffect } from '../cancel-rules.ts';
import { expiredLease, planRecovery } from '../lease-recovery.ts';
import { JOB_COLUMNS, rowToJob } from '../rows.ts';
import type { CancelResult, ReapedJob } from '../types.ts';
import { announce, nowParam, nowSql, type PgContext, transaction, writeOne } from './context.ts';
import { WriteSet } from './write-set.ts';

export async function jobCancel(
  ctx: PgContext,
  p: { workspaceId: string; id: string; by?: string },
): Promise<CancelResult> {
  let ws = new WriteSet();
  const result = await transaction(ctx, async (tx): Promise<CancelResult> => {
    // Afresh on each run: a deadlock runs this again (see `transaction`).
    ws = new WriteSet();
    const [row] = await tx.query({
      name: 'longrun_cancel_lock',
      text: `SELECT ${JOB_COLUMNS}, ${nowSql(1)} AS now FROM jobs WHERE id = $2 AND workspace_id = $3 FOR NO KEY UPDATE`,
      values: [nowParam(ctx), p.id, p.workspaceId],
    });
    if (!row) throw new LongrunError('not_found', `job ${p.id} not found`);
    const job = rowToJob(row);
    if (job.status === 'cancelled') return { job, previousStatus: 'cancelled' };
    if (job.status === 'completed' || job.status === 'failed') {
      throw new LongrunError('job_not_cancellable', `job ${p.id} is already ${job.status}`, {
        details: [{ message: `job is ${job.status}`, status: job.status }],
      });
    }
    const now = Number(row.now);
    // A pending job stops at once; a running one stops when its worker observes the cancel, and
    // the worker (or the reaper) sets completed_at then.
    const { completedAt } = cancelEffect(job.status, now);
    const u = ws.job(job.id, now);
    u.status = 'cancelled';
    u.cancelRequestedAt = now;
    u.completedAt = completedAt;
    ws.deltas.move(job.workspaceId, job.category, job.status, 'cancelled');
    ws.event({
      workspaceId: job.workspaceId,
      jobId: job.id,
      kind: 'status',
      attempt: job.attempt,
      now,
      data: { status: 'cancelled', cancelRequestedAt: now, completedAt },
    });
    ws.announce(job.status === 'running' ? { channel: 'cancel', jobId: job.id } : { channel: 'events' });
    // Its own statement rather than a write-set column: only a cancel writes it, and a cancel is rare.
    const by = p.by ?? null;
    if (by !== null)
      await tx.query({
        text: 'UPDATE jobs SET cancel_requested_by = $1 WHERE id = $2',
        values: [by, job.id],
      });
    // A running job's worker is told in the transaction: PostgreSQL delivers the NOTIFY at the
    // commit. Sent afterwards it needed a free pooled connection, and with the pool busy
    // (hundreds of cancels at once) workers heard up to a second late, starting items meanwhile.
    const notified =
      job.status === 'running'
        ? tx.query({
            text: 'SELECT pg_notify($1, $2)',
            values: [ctx.channels.cancel, `${ctx.instanceId}:${job.id}`],
          })
        : null;
    // Its failure aborts the transaction, and so fails the statement below.
    notified?.catch(() => {});
    await tx.queryAndCommit(ws.toQuery(ctx));
    await notified;
    return {
      job: {
        ...job,
        status: 'cancelled',
        cancelRequestedAt: now,
        cancelledBy: by,
        completedAt,
        updatedAt: now,
      },
      previousStatus: job.status,
    };
  });
  // The cancel NOTIFY went with the commit; this tells this process's own listeners.
  announce(ctx, ws.announced, { remote: ws.announced?.channel !== 'cancel' });
  return result;
}

/**
 * SKIP LOCKED: a row another reaper (or its finishing worker) holds is left to them. The retry
 * delay is a function of the attempt, so the decision is made here on the locked rows.
 */
export async function leaseReap(
  ctx: PgContext,
  p: { limit: number; retryDelayMs: (attempt: number) => number },
): Promise<ReapedJob[]> {
  let ws = new WriteSet();
  const out: ReapedJob[] = [];
  await transaction(ctx, async (tx) => {
    // Afresh on each run: a deadlock runs this again (see `transaction`).
    ws = new WriteSet();
    out.length = 0;
    const rows = await tx.query({
      name: 'longrun_reap_lock',
      text: `SELECT id, workspace_id, category, status, attempt, released_attempts, max_attempts, lease_owner,
               lease_expires_at, attempt_started_at, logs_total, t.now
             FROM jobs, (SELECT ${nowSql(1)} AS now) t
             WHERE lease_token IS NOT NULL AND lease_expires_at < t.now
             ORDER BY lease_expires_at LIMIT $2
             FOR NO KEY UPDATE OF jobs SKIP LOCKED`,
      values: [nowParam(ctx), p.limit],
    });
    for (const r of rows) {
      const now = Number(r.now);
      const jobId = String(r.id);
      const workspaceId = String(r.workspace_id);
      const attempt = Number(r.attempt);
      const from = r.status as JobStatus;
      const outcome: AttemptOutcome = 'crashed';
      const { to, runAt, reason, logMessage, errorMessage } = planRecovery(
        expiredLease(r),
        now,
        p.retryDelayMs,
      );
      const u = ws.job(jobId, now);
      u.status = to;
      u.endLease = true;
      u.currentStep = null;
      u.runAt = runAt;
      u.completedAt = to === 'pending' ? null : now;
      if (to === 'failed') u.error = { code: 'crashed', message: errorMessage };
      u.logs = { total: Number(r.logs_total) + 1, dropped: null };
      ws.attempt({
        jobId,
        attempt,
        workspaceId,
        workerId: r.lease_owner === null ? null : String(r.lease_owner),
        startedAt: Number(r.attempt_started_at),
        endedAt: now,
        outcome,
        error: reason,
      });
      ws.event({
        workspaceId,
        jobId,
        kind: 'log',
        attempt,
        now,
        level: 'warn',
        message: logMessage,
      });
      ws.event({
        workspaceId,
        jobId,
        kind: 'status',
        attempt,
        now,
        data: { status: to, completedAt: to === 'pending' ? null : now },
      });
      ws.deltas.move(workspaceId, String(r.category), from, to);
      out.push({ jobId, attempt, outcome, status: to });
    }
    if (out.length > 0) {
      ws.announce({ channel: 'jobs' });
      await tx.queryAndCommit(ws.toQuery(ctx));
    }
  });
  announce(ctx, ws.announced);
  return out;
}

/**
 * One statement: pick a batch of old finished jobs, delete their rows everywhere, adjust counts.
 * The ids go through an array so every DELETE is an index probe per job (`= ANY`); as a semi-join
 * the cached generic plan may hash the batch and scan the whole events table.
 */
export async function jobPurge(ctx: PgContext, p: { before: number; limit: number }): Promise<number> {
  const rows = await writeOne(ctx, {
    name: 'longrun_purge',
    text: `WITH victims AS (
             SELECT id, seq, workspace_id, category, status FROM jobs
             WHERE completed_at IS NOT NULL AND completed_at < $1
             ORDER BY completed_at LIMIT $2
             FOR UPDATE SKIP LOCKED
           ),
           ids AS MATERIALIZED (SELECT array_agg(id) AS a, array_agg(seq) AS s FROM victims),
           dx AS (DELETE FROM job_search WHERE seq = ANY((SELECT s FROM ids)::bigint[])),
           de AS (DELETE FROM job_events WHERE job_id = ANY((SELECT a FROM ids)::text[])),
           di AS (DELETE FROM job_items WHERE job_id = ANY((SELECT a FROM ids)::text[])),
           ds AS (DELETE FROM job_steps WHERE job_id = ANY((SELECT a FROM ids)::text[])),
           da AS (DELETE FROM job_attempts WHERE job_id = ANY((SELECT a FROM ids)::text[])),
           dw AS (DELETE FROM webhook_deliveries WHERE job_id = ANY((SELECT a FROM ids)::text[])),
           dj AS (DELETE FROM jobs WHERE id = ANY((SELECT a FROM ids)::text[]) RETURNING workspace_id, category, status),
           cn AS (
             INSERT INTO job_counts (workspace_id, category, status, shard, n)
             SELECT workspace_id, category, status, $3::smallint, -count(*) FROM dj
             GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
             ON CONFLICT (workspace_id, category, status, shard) DO UPDATE SET n = job_counts.n + excluded.n
           )
           SELECT count(*)::int AS n FROM dj`,
    values: [p.before, p.limit, Math.floor(Math.random() * 16)],
  });
  return Number(rows[0]?.n ?? 0);
}
