-- The dashboard's storage: sign-in sessions. Mirrors sqlite/migrations/004_dashboard.sql.

-- A session stands for the API key it was made from: the cookie's token is stored only as its
-- SHA-256 (hash), like a key. A revoked key ends its sessions because every lookup joins the key
-- (sessionFind), so revoking a key writes nothing here.
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  key_id TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL,
  revoked_at BIGINT
);

-- The dashboard's throughput chart (jobTimeseries): finished jobs of one workspace in completion
-- order, with the status so the count can read the index alone. Partial: only finished rows have
-- an entry, and a finished row is never updated again, so it costs one index entry per finish
-- (claims and progress never touch it). jobs_finished (completed_at) stays for retention, which
-- purges across workspaces.
CREATE INDEX jobs_ws_finished ON jobs (workspace_id, completed_at) INCLUDE (status) WHERE completed_at IS NOT NULL;
