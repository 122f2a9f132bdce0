-- Longrun schema, PostgreSQL. Mirrors sqlite/migrations/001_init.sql table for table and column for
-- column, so one row mapper (store/rows.ts) serves both. Timestamps are BIGINT milliseconds since
-- the epoch; JSON is stored as TEXT exactly as on SQLite (no jsonb re-encoding on the hot path).
-- Ordering columns that the API pages through use COLLATE "C": byte order, as SQLite compares.
-- The store sets search_path to its schema, so names here are unqualified.

CREATE TABLE workspaces (
  id TEXT PRIMARY KEY,
  created_at BIGINT NOT NULL
);

-- Indexes differ from SQLite's on purpose. Claim and finish change `status`, so they are never HOT
-- updates and every index on jobs costs one insert per claimed and per finished job; PostgreSQL
-- keeps the minimum. `id` is the primary key and `seq` has no index of its own: claims reach
-- their rows by ctid, and lists use the (workspace_id, …, seq) indexes below.
CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  seq BIGINT GENERATED ALWAYS AS IDENTITY NOT NULL, -- insertion order: the keyset for "newest first"
  workspace_id TEXT NOT NULL,
  type TEXT NOT NULL,
  category TEXT NOT NULL,
  name TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'completed', 'failed', 'cancelled')),
  priority INTEGER NOT NULL DEFAULT 0,
  input TEXT NOT NULL,
  result TEXT,
  error_code TEXT,
  error_message TEXT,
  progress_total BIGINT NOT NULL DEFAULT 0 CHECK (progress_total >= 0),
  progress_completed BIGINT NOT NULL DEFAULT 0 CHECK (progress_completed >= 0),
  progress_failed BIGINT NOT NULL DEFAULT 0 CHECK (progress_failed >= 0),
  attempt INTEGER NOT NULL DEFAULT 0,
  released_attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL CHECK (max_attempts >= 1),
  run_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  started_at BIGINT,
  attempt_started_at BIGINT,
  updated_at BIGINT NOT NULL,
  completed_at BIGINT,
  cancel_requested_at BIGINT,
  current_step TEXT,
  lease_token TEXT,
  lease_owner TEXT,
  lease_expires_at BIGINT,
  idempotency_key TEXT,
  request_hash TEXT,
  logs_total INTEGER NOT NULL DEFAULT 0,
  logs_dropped INTEGER NOT NULL DEFAULT 0,
  -- The status machine's invariants (core/status.ts has the transitions):
  CHECK (status <> 'running' OR lease_token IS NOT NULL),
  CHECK (status <> 'pending' OR lease_token IS NULL),
  CHECK (status NOT IN ('completed', 'failed') OR completed_at IS NOT NULL),
  CHECK (completed_at IS NULL OR status IN ('completed', 'failed', 'cancelled')),
  CHECK (completed_at IS NULL OR lease_token IS NULL)
);

-- Terminal states never change; only these transitions exist.
CREATE FUNCTION jobs_status_transition() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT (
    (OLD.status = 'pending' AND NEW.status IN ('running', 'cancelled')) OR
    (OLD.status = 'running' AND NEW.status IN ('pending', 'completed', 'failed', 'cancelled'))
  ) THEN
    RAISE EXCEPTION 'invalid job status transition % -> % (job %)', OLD.status, NEW.status, OLD.id
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER jobs_status_transition BEFORE UPDATE OF status ON jobs
FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
EXECUTE FUNCTION jobs_status_transition();

-- Claim: only pending rows are in this index, so finished jobs piling up do not slow it.
CREATE INDEX jobs_claim ON jobs (priority DESC, run_at, seq) WHERE status = 'pending';
-- The claim's candidates: the head of jobs_claim, walked in index order and stopped at the limit.
-- A queue's statistics are stale right after a bulk enqueue (tens of thousands of pending rows
-- that ANALYZE has not seen yet); a plan chosen on them bitmap-scans and sorts every pending row on
-- each claim. Planner settings scoped to this function rule that out whatever the statistics say.
CREATE FUNCTION claim_candidates(p_types TEXT[], p_now BIGINT, p_limit INTEGER) RETURNS SETOF tid
LANGUAGE plpgsql VOLATILE
SET enable_sort = off
SET enable_bitmapscan = off
SET search_path FROM CURRENT
AS $$
BEGIN
  -- PL/pgSQL keeps this plan for the session; an SQL function would re-plan it on every claim.
  RETURN QUERY
    SELECT ctid FROM jobs
    WHERE status = 'pending' AND run_at <= p_now AND type = ANY(p_types)
    ORDER BY priority DESC, run_at, seq
    LIMIT p_limit
    FOR UPDATE SKIP LOCKED;
END
$$;

-- Reaper: only leased rows.
CREATE INDEX jobs_lease ON jobs (lease_expires_at) WHERE lease_token IS NOT NULL;
-- The API's list filters, each ending in seq so a page is a range scan (merged per combination).
-- No (workspace_id, seq) index: an unfiltered list merges the five per-status ranges instead.
CREATE INDEX jobs_ws_status ON jobs (workspace_id, status, seq);
CREATE INDEX jobs_ws_category ON jobs (workspace_id, category, status, seq);
CREATE INDEX jobs_ws_type ON jobs (workspace_id, type, seq);
CREATE UNIQUE INDEX jobs_idempotency ON jobs (workspace_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
-- Retention: finished jobs in completion order.
CREATE INDEX jobs_finished ON jobs (completed_at) WHERE completed_at IS NOT NULL;

-- Every job row is rewritten by claim, progress and finish: leave room on each page so progress
-- updates (no indexed column changes) stay HOT, and vacuum long before the default 20% of dead rows.
ALTER TABLE jobs SET (
  fillfactor = 85,
  autovacuum_vacuum_scale_factor = 0.02,
  autovacuum_analyze_scale_factor = 0.02,
  autovacuum_vacuum_insert_scale_factor = 0.05,
  autovacuum_vacuum_cost_delay = 1
);

-- Counts per status x category, maintained in the same transactions that change a status, so
-- /stats does not scan a million rows. Unlike SQLite (one writer at a time) many PostgreSQL
-- transactions commit at once: one row per (workspace, category, status) would be a hot row every
-- claim and finish queues on. Each transaction adds its deltas to one of 16 shards picked at
-- random, and readers sum the shards.
CREATE TABLE job_counts (
  workspace_id TEXT NOT NULL,
  category TEXT COLLATE "C" NOT NULL,
  status TEXT COLLATE "C" NOT NULL,
  shard SMALLINT NOT NULL CHECK (shard BETWEEN 0 AND 15),
  n BIGINT NOT NULL,
  PRIMARY KEY (workspace_id, category, status, shard)
);
-- A few hundred rows updated thousands of times a second: keep free space for HOT updates and let
-- autovacuum visit it constantly.
ALTER TABLE job_counts SET (
  fillfactor = 50,
  autovacuum_vacuum_scale_factor = 0,
  autovacuum_vacuum_threshold = 500,
  autovacuum_vacuum_cost_delay = 0
);

CREATE TABLE job_steps (
  job_id TEXT NOT NULL,
  name TEXT COLLATE "C" NOT NULL,
  workspace_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
  result TEXT,
  attempt INTEGER NOT NULL,
  started_at BIGINT NOT NULL,
  completed_at BIGINT,
  PRIMARY KEY (job_id, name)
);

CREATE TABLE job_attempts (
  job_id TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  workspace_id TEXT NOT NULL,
  worker_id TEXT,
  started_at BIGINT NOT NULL,
  ended_at BIGINT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('completed', 'failed', 'crashed', 'timed_out', 'cancelled', 'released')),
  error TEXT,
  PRIMARY KEY (job_id, attempt)
);

CREATE TABLE job_items (
  job_id TEXT NOT NULL,
  step TEXT COLLATE "C" NOT NULL,
  key TEXT COLLATE "C" NOT NULL,
  workspace_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('completed', 'failed')),
  error TEXT,
  attempt INTEGER NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (job_id, step, key)
);
ALTER TABLE job_items SET (autovacuum_vacuum_scale_factor = 0.05, autovacuum_vacuum_insert_scale_factor = 0.05);

-- The event log: status changes, coalesced progress, steps and log lines. Log lines are the rows
-- with kind = 'log'; SSE streams resume from an event id. Ids come from a sequence, i.e. in call
-- order, not commit order: readers only return ids below event_horizon() (see below).
CREATE TABLE job_events (
  id BIGINT GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME job_events_id_seq) PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  job_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('status', 'progress', 'step', 'log')),
  level TEXT CHECK (level IN ('info', 'warn', 'error')),
  step TEXT,
  attempt INTEGER NOT NULL,
  message TEXT,
  data TEXT,
  created_at BIGINT NOT NULL
);
CREATE INDEX job_events_job ON job_events (job_id, id);
CREATE INDEX job_events_ws ON job_events (workspace_id, id) WHERE kind <> 'log';
-- Append-mostly and purged in batches: vacuum after inserts too, so the visibility map stays
-- current and the id range scans stay index-only friendly.
ALTER TABLE job_events SET (
  autovacuum_vacuum_scale_factor = 0.05,
  autovacuum_vacuum_insert_scale_factor = 0.05,
  autovacuum_analyze_scale_factor = 0.05
);

-- A reader tailing `id > after` must never see id 11 committed and move on while id 10 commits a
-- moment later. Writers do not queue behind each other for this; instead each statement that
-- inserts events first takes a SHARED transaction advisory lock whose key encodes L = last id
-- allocated + 1, a lower bound of every id it will get, and holds it to commit (context.ts).
-- This function, run BEFORE the read's own statement (so the read's snapshot is later), returns
-- H: every id <= H was allocated before this call by a writer that has since committed or rolled
-- back, so nothing <= H can still appear. It reads the sequence first and the locks second: an id
-- allocated before the sequence read belongs to a writer whose lock was already taken.
-- Lock keys: classid = namespace (15 bits, per schema) << 16 | L >> 32, objid = L & 0xffffffff.
CREATE FUNCTION event_horizon(p_ns INTEGER) RETURNS BIGINT
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
DECLARE
  allocated BIGINT;
  held BIGINT;
BEGIN
  allocated := coalesce(pg_sequence_last_value('job_events_id_seq'::regclass), 0);
  SELECT min(((classid::bigint & 65535) << 32) | objid::bigint) INTO held
  FROM pg_locks
  WHERE locktype = 'advisory' AND objsubid = 2 AND granted
    AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
    AND (classid::bigint >> 16) = p_ns;
  RETURN CASE WHEN held IS NULL THEN allocated ELSE least(allocated, held - 1) END;
END
$$;

CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  name TEXT NOT NULL,
  scope TEXT NOT NULL CHECK (scope IN ('read', 'write', 'admin')),
  hash TEXT NOT NULL UNIQUE,
  prefix TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  revoked_at BIGINT,
  last_used_at BIGINT
);
CREATE INDEX api_keys_ws ON api_keys (workspace_id, created_at);
