-- The dashboard's storage: sign-in sessions and the indexes of its searches and chart. PostgreSQL's
-- 004_dashboard.sql mirrors it.

-- A session stands for the API key it was made from: the cookie's token is stored only as its
-- SHA-256 (hash), like a key. A revoked key ends its sessions because every lookup joins the key
-- (sessionFind), so revoking a key writes nothing here.
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  key_id TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  revoked_at INTEGER
);

-- The dashboard's throughput chart (jobTimeseries): finished jobs of one workspace in completion
-- order, with the status so the count reads the index alone. Only finished jobs are in it, and a
-- job finishes once, so it costs one index entry per finish; jobs_finished (completed_at) stays
-- for retention, which purges across workspaces.
CREATE INDEX jobs_ws_finished ON jobs (workspace_id, completed_at, status) WHERE completed_at IS NOT NULL;

-- Search by name prefix (list-plan.ts): the range of names that start with the prefix; seq is the
-- rowid, so the index alone gives each match's position. A name never changes, so the index costs
-- an entry per inserted job and nothing on claim, progress or finish. Measured in inserts of 1,000:
-- nothing when names arrive in index order, 11 µs a job (13 to 25) when each lands on another page.
CREATE INDEX jobs_ws_name ON jobs (workspace_id, name);
-- No index serves the input filter: a page scans a bounded number of candidates
-- (INPUT_SCAN_LIMIT, store/input-filter.ts).
