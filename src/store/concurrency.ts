/**
 * Concurrency limits at claim time, decided once for both backends: which slot a job takes, which
 * slots are full, and which candidates a claim may start. A store reads the jobs holding slots and
 * a window of pending candidates (each in its own way, under its own serialisation: SQLite's write
 * lock, PostgreSQL's advisory lock per slot) and asks these functions.
 *
 * A job holds a slot while it has a lease (`lease_token IS NOT NULL`): from its claim until its
 * worker's finish, or until the reaper takes an expired lease back. A job cancelled while running
 * keeps its slot until its worker has stopped, because its handler is still running the step in
 * flight; only then may another job of the key start.
 *
 * ```ts
 * const limits = claimLimitsFor(['sync.run'], [{ type: 'sync.run', limit: 1, perKey: true }]);
 * const held = heldSlots([{ type: 'sync.run', workspaceId: 'w', concurrencyKey: 'i1', n: 1 }], limits!);
 * pickWithinLimits(candidates, held, limits!, 10); // skips every candidate of key i1
 * ```
 */
import type { ClaimLimit } from './types.ts';

/** The facts of a job row that decide its slot. */
export interface SlotFacts {
  workspaceId: string;
  type: string;
  concurrencyKey: string | null;
}

/** Leased jobs of one (type, workspace, key), as the stores count them. */
export interface HeldRow extends SlotFacts {
  n: number;
}

/** Separates the parts of a slot name; type names cannot hold it (define.ts) and workspace ids do not. */
const SEP = '\u001f';

/**
 * The limits of the claimed types, by type, or null when none of them has one: then the claim
 * takes the path it always took, at no extra cost.
 */
export function claimLimitsFor(
  types: readonly string[],
  limits: readonly ClaimLimit[] | undefined,
): Map<string, ClaimLimit> | null {
  if (!limits || limits.length === 0) return null;
  let out: Map<string, ClaimLimit> | null = null;
  for (const l of limits) {
    if (!types.includes(l.type)) continue;
    if (!Number.isInteger(l.limit) || l.limit < 1) throw new RangeError(`limit of ${l.type} must be >= 1`);
    out ??= new Map();
    out.set(l.type, l);
  }
  return out;
}

/**
 * The slot a job takes, or null when it is not limited: a per-type limit is one slot for the type
 * across every workspace; a keyed limit is a slot per workspace, type and key (tenants never share
 * one), and a job whose key function gave no key is not limited.
 */
export function slotOf(limits: ReadonlyMap<string, ClaimLimit>, job: SlotFacts): string | null {
  const l = limits.get(job.type);
  if (!l) return null;
  if (!l.perKey) return job.type;
  if (job.concurrencyKey === null) return null;
  return `${job.type}${SEP}${job.workspaceId}${SEP}${job.concurrencyKey}`;
}

/** How many jobs hold each slot, from leased-job counts grouped by (type, workspace, key). */
export function heldSlots(
  rows: readonly HeldRow[],
  limits: ReadonlyMap<string, ClaimLimit>,
): Map<string, number> {
  const held = new Map<string, number>();
  for (const r of rows) {
    const slot = slotOf(limits, r);
    if (slot !== null) held.set(slot, (held.get(slot) ?? 0) + r.n);
  }
  return held;
}

/**
 * What a candidate query leaves out: types whose single slot is full, and full keyed slots (as
 * `type SEP workspace SEP key`, which is how `slotOf` names them).
 */
export function fullSlots(
  held: ReadonlyMap<string, number>,
  limits: ReadonlyMap<string, ClaimLimit>,
): { types: Set<string>; keyed: string[] } {
  const types = new Set<string>();
  const keyed: string[] = [];
  for (const [slot, n] of held) {
    const type = slot.includes(SEP) ? slot.slice(0, slot.indexOf(SEP)) : slot;
    const limit = limits.get(type)?.limit;
    if (limit === undefined || n < limit) continue;
    if (slot.includes(SEP)) keyed.push(slot);
    else types.add(slot);
  }
  return { types, keyed };
}

/** The keyed slot name a store builds in SQL from a row: `type || SEP || workspace_id || SEP || key`. */
export const SLOT_SEPARATOR = SEP;

/**
 * Pending candidates read per claim beyond its limit: a window the claim picks from after the
 * full slots are left out, so a key with one free place and a long backlog does not fill a whole
 * claim with jobs it must pass over.
 */
export function candidateWindow(limit: number): number {
  return limit + 100;
}

/**
 * The candidates a claim starts, in the order given (the claim order), at most `max`: each limited
 * one only while its slot has room, counting those picked before it.
 */
export function pickWithinLimits<T extends SlotFacts>(
  candidates: readonly T[],
  held: ReadonlyMap<string, number>,
  limits: ReadonlyMap<string, ClaimLimit>,
  max: number,
): T[] {
  const taken = new Map(held);
  const out: T[] = [];
  for (const c of candidates) {
    if (out.length >= max) break;
    const slot = slotOf(limits, c);
    if (slot !== null) {
      const n = taken.get(slot) ?? 0;
      if (n >= (limits.get(c.type)?.limit ?? Number.POSITIVE_INFINITY)) continue;
      taken.set(slot, n + 1);
    }
    out.push(c);
  }
  return out;
}

/** The distinct slots the candidates would take: what a PostgreSQL claim locks before it counts. */
export function slotsOf(candidates: readonly SlotFacts[], limits: ReadonlyMap<string, ClaimLimit>): string[] {
  const slots = new Set<string>();
  for (const c of candidates) {
    const s = slotOf(limits, c);
    if (s !== null) slots.add(s);
  }
  return [...slots];
}
