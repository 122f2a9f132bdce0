-- Longrun schema, SQLite. PostgreSQL's 001_init.sql mirrors it table for table.
-- Every table carries workspace_id and the indexes the API reads lead with it.

CREATE TABLE workspaces (
  id TEXT PRIMARY KEY,
  created_at INTEGER NOT NULL
);

CREATE TABLE jobs (
  seq INTEGER PRIMARY KEY,          -- insertion order: the keyset for "newest first"
  id TEXT NOT NULL UNIQUE,
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
  progress_total INTEGER NOT NULL DEFAULT 0 CHECK (progress_total >= 0),
  progress_completed INTEGER NOT NULL DEFAULT 0 CHECK (progress_completed >= 0),
  progress_failed INTEGER NOT NULL DEFAULT 0 CHECK (progress_failed >= 0),
  attempt INTEGER NOT NULL DEFAULT 0,
  released_attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL CHECK (max_attempts >= 1),
  run_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  attempt_started_at INTEGER,
  updated_at INTEGER NOT NULL,
  completed_at INTEGER,
  cancel_requested_at INTEGER,
  current_step TEXT,
  lease_token TEXT,
  lease_owner TEXT,
  lease_expires_at INTEGER,
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
CREATE TRIGGER jobs_status_transition BEFORE UPDATE OF status ON jobs
WHEN NEW.status <> OLD.status AND NOT (
  (OLD.status = 'pending' AND NEW.status IN ('running', 'cancelled')) OR
  (OLD.status = 'running' AND NEW.status IN ('pending', 'completed', 'failed', 'cancelled'))
)
BEGIN
  SELECT RAISE(ABORT, 'invalid job status transition');
END;

-- Claim: only pending rows are in this index, so finished jobs piling up do not slow it.
CREATE INDEX jobs_claim ON jobs (priority DESC, run_at, seq) WHERE status = 'pending';
-- Reaper: only leased rows.
CREATE INDEX jobs_lease ON jobs (lease_expires_at) WHERE lease_token IS NOT NULL;
-- The API's list filters, each ending in seq so a page is a range scan (list-plan.ts says which
-- serves what). Only jobs_ws_status contains the status, so a claim or finish rewrites one list
-- index entry. jobs_ws_seq serves the unfiltered list (the dashboard's first page) as one range;
-- merging the five status ranges instead cost three times as much per page.
CREATE INDEX jobs_ws_seq ON jobs (workspace_id, seq);
CREATE INDEX jobs_ws_status ON jobs (workspace_id, status, seq);
CREATE INDEX jobs_ws_category ON jobs (workspace_id, category, seq);
CREATE INDEX jobs_ws_type ON jobs (workspace_id, type, seq);
CREATE UNIQUE INDEX jobs_idempotency ON jobs (workspace_id, idempotency_key) WHERE idempotency_key IS NOT NULL;

-- Counts per status x category, maintained by the store in the same transactions that change a
-- status, so /stats does not scan a million rows.
CREATE TABLE job_counts (
  workspace_id TEXT NOT NULL,
  category TEXT NOT NULL,
  status TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, category, status)
) WITHOUT ROWID;

CREATE TABLE job_steps (
  job_id TEXT NOT NULL,
  name TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
  result TEXT,
  attempt INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  completed_at INTEGER,
  PRIMARY KEY (job_id, name)
) WITHOUT ROWID;

CREATE TABLE job_attempts (
  job_id TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  workspace_id TEXT NOT NULL,
  worker_id TEXT,
  started_at INTEGER NOT NULL,
  ended_at INTEGER NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('completed', 'failed', 'crashed', 'timed_out', 'cancelled', 'released')),
  error TEXT,
  PRIMARY KEY (job_id, attempt)
) WITHOUT ROWID;

CREATE TABLE job_items (
  job_id TEXT NOT NULL,
  step TEXT NOT NULL,
  key TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('completed', 'failed')),
  error TEXT,
  attempt INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (job_id, step, key)
) WITHOUT ROWID;

-- The event log: status changes, coalesced progress, steps and log lines. Log lines are the rows
-- with kind = 'log'; SSE streams resume from an event id.
CREATE TABLE job_events (
  id INTEGER PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  job_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('status', 'progress', 'step', 'log')),
  level TEXT CHECK (level IN ('info', 'warn', 'error')),
  step TEXT,
  attempt INTEGER NOT NULL,
  message TEXT,
  data TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX job_events_job ON job_events (job_id, id);
-- No workspace index: a workspace stream reads `id > last seen`, a range of the primary key that
-- holds only what happened since its last poll, and an index would cost every event a second insert.

CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  name TEXT NOT NULL,
  scope TEXT NOT NULL CHECK (scope IN ('read', 'write', 'admin')),
  hash TEXT NOT NULL UNIQUE,
  prefix TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER,
  last_used_at INTEGER
);
CREATE INDEX api_keys_ws ON api_keys (workspace_id, created_at);

-- Retention: finished jobs in completion order.
CREATE INDEX jobs_finished ON jobs (completed_at) WHERE completed_at IS NOT NULL;
