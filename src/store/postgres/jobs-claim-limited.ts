/**
 * The claim of job types with concurrency limits on PostgreSQL (the rules: store/concurrency.ts).
 * Claims of types without limits never come here and pay nothing for it.
 *
 * Many claimers run at once on many connections, so counting a slot's holders and starting a job
 * into it must not interleave: two claimers that both saw one free place would both fill it. One
 * transaction does, in order:
 *  1. count the leased jobs of the limited types (only running jobs are leased: jobs_lease) and
 *     read a window of pending candidates, leaving out full slots and paused types;
 *  2. pick by that count, take a transaction-scoped advisory lock per slot the picks would fill
 *     and count again (`claim_slots_hold`, 007_flow_control.sql: locks sorted, so never a cycle; the
 *     count is a query of a VOLATILE function, on a snapshot taken after the locks were granted,
 *     so it sees every job the previous holder of a lock started);
 *  3. keep the picks the new count allows and start them (FOR UPDATE SKIP LOCKED: a row a claim without
 *     limits took meanwhile is passed over), COMMIT, which releases the locks.
 *
 * Why advisory locks rather than a table of slot rows locked FOR UPDATE: a slot table would be
 * written by every claim AND every finish of a limited job (the finish hot path would grow a
 * statement), and rows for keys that come and go would need cleaning up. An advisory lock costs
 * nothing outside the claim, exists only while held, and serialises exactly the claimers of one
 * slot; claimers of other keys go on in parallel.
 *
 * ```ts
 * const rows = await jobClaimLimited(ctx, { workerId, limit: 10, types, leaseMs }, limits);
 * ```
 */
import { newLeaseToken } from '../../core/ids.ts';
import { candidateWindow, fullSlots, heldSlots, pickWithinLimits, slotsOf } from '../concurrency.ts';
import type { Row } from '../rows.ts';
import type { ClaimLimit } from '../types.ts';
import { nowParam, nowSql, type PgContext, transaction } from './context.ts';
import { claimName, claimSql } from './jobs-queue.ts';

const HELD_SQL = 'SELECT * FROM claim_slots_held($1::text[])';

const CANDIDATES_SQL = `SELECT * FROM claim_candidates_limited($2::text[], ${nowSql(1)}, $6::int,
  $3::text[], $4::text[], $5::text[])`;

/** Built on first use: jobs-queue.ts imports this module, so its template is not ready at load. */
const startSql: Partial<Record<'async' | 'sync', string>> = {};
function limitedStartSql(commit: 'async' | 'sync'): string {
  startSql[commit] ??= claimSql(
    `j.id IN (SELECT id FROM jobs WHERE id = ANY($2::text[]) AND status = 'pending' LIMIT $3::int
      FOR UPDATE SKIP LOCKED)`,
    commit,
  );
  return startSql[commit];
}

function toHeld(rows: Row[], limits: Map<string, ClaimLimit>): Map<string, number> {
  return heldSlots(
    rows.map((r) => ({
      type: String(r.type),
      workspaceId: String(r.workspace_id),
      concurrencyKey: r.concurrency_key === null ? null : String(r.concurrency_key),
      n: Number(r.n),
    })),
    limits,
  );
}

export async function jobClaimLimited(
  ctx: PgContext,
  p: { workerId: string; limit: number; types: string[]; leaseMs: number },
  limits: Map<string, ClaimLimit>,
): Promise<Row[]> {
  return transaction(ctx, async (tx) => {
    const limited = [...limits.keys()];
    const before = toHeld(
      await tx.query({ name: 'longrun_claim_held', text: HELD_SQL, values: [limited] }),
      limits,
    );
    const full = fullSlots(before, limits);
    const types = p.types.filter((t) => !full.types.has(t));
    if (types.length === 0) return [];
    const keyed = full.keyed.map((s) => s.split('\u001f'));
    const candidates = (
      await tx.query({
        name: 'longrun_claim_candidates',
        text: CANDIDATES_SQL,
        values: [
          nowParam(ctx),
          types,
          keyed.map((k) => k[0]),
          keyed.map((k) => k[1]),
          keyed.map((k) => k.slice(2).join('\u001f')),
          candidateWindow(p.limit),
        ],
      })
    ).map((r) => ({
      id: String(r.id),
      type: String(r.type),
      workspaceId: String(r.workspace_id),
      concurrencyKey: r.concurrency_key === null ? null : String(r.concurrency_key),
    }));
    // What the claim would start by the first count: only these slots are locked and counted
    // again, and only these jobs can start (fewer, when a slot filled up meanwhile).
    const tentative = pickWithinLimits(candidates, before, limits, p.limit);
    if (tentative.length === 0) return [];
    const slots = slotsOf(tentative, limits);
    let counts = before;
    if (slots.length > 0) {
      const rows = await tx.query({
        name: 'longrun_claim_hold',
        text: 'SELECT * FROM claim_slots_hold($1::text[], $2::text[])',
        values: [slots, limited],
      });
      counts = toHeld(rows, limits);
    }
    const picked = pickWithinLimits(tentative, counts, limits, p.limit);
    if (picked.length === 0) return [];
    return tx.queryAndCommit({
      name: claimName('longrun_claim_limited', ctx.claimCommit),
      text: limitedStartSql(ctx.claimCommit),
      values: [
        nowParam(ctx),
        picked.map((c) => c.id),
        picked.length,
        newLeaseToken(),
        p.workerId,
        p.leaseMs,
        ctx.eventLock[0],
        ctx.eventLock[1],
        Math.floor(Math.random() * 16),
      ],
    });
  });
}
