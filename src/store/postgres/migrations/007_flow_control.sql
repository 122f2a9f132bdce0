-- Flow control (docs/operations.md, "Concurrency limits and pausing"). Mirrors SQLite's 007.
--
-- concurrency_key: the key a type's `concurrency: { key, limit }` computed from the input at
-- enqueue; NULL otherwise. A nullable column without a default: no table rewrite, and no index
-- (every index on jobs costs an entry per claim and per finish): the jobs holding a slot are found
-- among the leased rows through jobs_lease, which hold only the jobs running.
ALTER TABLE jobs ADD COLUMN concurrency_key TEXT;

-- Job types paused per workspace: claims skip their pending jobs. A row exists while paused.
CREATE TABLE job_type_pauses (
  workspace_id TEXT NOT NULL,
  type TEXT NOT NULL,
  paused_at BIGINT NOT NULL,
  paused_by TEXT,
  PRIMARY KEY (workspace_id, type)
);

-- The claim's candidates, as 001 made them, unless one of the claimed types is paused somewhere:
-- then pending jobs of a paused (workspace, type) are passed over. The probe of this small table
-- is the only cost a claim pays while nothing is paused; both queries' plans are kept for the
-- session (PL/pgSQL), so the usual one is the same plan as before.
CREATE OR REPLACE FUNCTION claim_candidates(p_types TEXT[], p_now BIGINT, p_limit INTEGER) RETURNS SETOF tid
LANGUAGE plpgsql VOLATILE
SET enable_sort = off
SET enable_bitmapscan = off
SET search_path FROM CURRENT
AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM job_type_pauses WHERE type = ANY(p_types)) THEN
    RETURN QUERY
      SELECT j.ctid FROM jobs j
      WHERE j.status = 'pending' AND j.run_at <= p_now AND j.type = ANY(p_types)
        AND NOT EXISTS (SELECT 1 FROM job_type_pauses p WHERE p.workspace_id = j.workspace_id AND p.type = j.type)
      ORDER BY j.priority DESC, j.run_at, j.seq
      LIMIT p_limit
      FOR UPDATE OF j SKIP LOCKED;
    RETURN;
  END IF;
  RETURN QUERY
    SELECT ctid FROM jobs
    WHERE status = 'pending' AND run_at <= p_now AND type = ANY(p_types)
    ORDER BY priority DESC, run_at, seq
    LIMIT p_limit
    FOR UPDATE SKIP LOCKED;
END
$$;

-- The claim of types with concurrency limits (jobs-claim-limited.ts) reads through these
-- functions, with the planner settings of claim_candidates and for the same reason: right after a
-- bulk enqueue the statistics are stale, and a plan chosen on them bitmap-scans every job of the
-- type and sorts. Here the plans are fixed: leased jobs are read through jobs_lease (only running
-- jobs are leased; the ORDER BY, which a sort may not serve, makes that index the way in), pending
-- ones by walking jobs_claim in claim order.

-- Leased jobs of the limited types, per (type, workspace, key): who holds which slots.
CREATE FUNCTION claim_slots_held(p_types TEXT[])
RETURNS TABLE (type TEXT, workspace_id TEXT, concurrency_key TEXT, n INTEGER)
LANGUAGE plpgsql VOLATILE
SET enable_sort = off
SET enable_bitmapscan = off
SET search_path FROM CURRENT
AS $$
BEGIN
  RETURN QUERY
    SELECT l.type, l.workspace_id, l.concurrency_key, count(*)::int
    FROM (SELECT j.type, j.workspace_id, j.concurrency_key FROM jobs j
          WHERE j.lease_token IS NOT NULL ORDER BY j.lease_expires_at) l
    WHERE l.type = ANY(p_types)
    GROUP BY l.type, l.workspace_id, l.concurrency_key;
END
$$;

-- Pending candidates in claim order, leaving out paused (workspace, type) pairs and the full keyed
-- slots given as three parallel arrays (type, workspace, key). Full per-type slots are left out by
-- the caller, which drops those types from p_types.
CREATE FUNCTION claim_candidates_limited(p_types TEXT[], p_now BIGINT, p_limit INTEGER,
  p_full_types TEXT[], p_full_ws TEXT[], p_full_keys TEXT[])
RETURNS TABLE (id TEXT, workspace_id TEXT, type TEXT, concurrency_key TEXT)
LANGUAGE plpgsql VOLATILE
SET enable_sort = off
SET enable_bitmapscan = off
SET search_path FROM CURRENT
AS $$
BEGIN
  RETURN QUERY
    SELECT j.id, j.workspace_id, j.type, j.concurrency_key FROM jobs j
    WHERE j.status = 'pending' AND j.run_at <= p_now AND j.type = ANY(p_types)
      AND NOT EXISTS (SELECT 1 FROM job_type_pauses p WHERE p.workspace_id = j.workspace_id AND p.type = j.type)
      AND NOT EXISTS (SELECT 1 FROM unnest(p_full_types, p_full_ws, p_full_keys) f(ty, ws, k)
                      WHERE f.ty = j.type AND f.ws = j.workspace_id AND f.k = j.concurrency_key)
    ORDER BY j.priority DESC, j.run_at, j.seq
    LIMIT p_limit;
END
$$;

-- Takes one transaction-scoped advisory lock per slot the claim may fill (a type, or a workspace +
-- type + key), then counts the slots' holders. The count is a query of a VOLATILE function, so it
-- runs on a snapshot taken after the locks were granted: it sees every job the previous holder of
-- a lock started. Two claimers of one key thus never both see its last free place. Locks are taken
-- in the order of their keys, so claimers that need several never wait on each other in a cycle.
-- Keys are 64-bit hashes of the schema and the slot: a collision only makes two slots share a lock
-- (their claimers wait on each other), never lets a limit be exceeded. Single-bigint advisory
-- locks (objsubid 1) never meet the event horizon's two-int locks (objsubid 2, 001_init.sql).
CREATE FUNCTION claim_slots_hold(p_slots TEXT[], p_types TEXT[])
RETURNS TABLE (type TEXT, workspace_id TEXT, concurrency_key TEXT, n INTEGER)
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
DECLARE
  k BIGINT;
BEGIN
  FOR k IN
    SELECT DISTINCT hashtextextended(current_schema() || chr(31) || s, 0) AS h FROM unnest(p_slots) s ORDER BY h
  LOOP
    PERFORM pg_advisory_xact_lock(k);
  END LOOP;
  RETURN QUERY SELECT * FROM claim_slots_held(p_types);
END
$$;
