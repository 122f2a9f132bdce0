-- The dashboard's storage: sign-in sessions, the search table and the chart's index. SQLite's
-- 004_dashboard.sql has the sessions and the chart's index alike; it searches jobs itself.
--
-- It fills job_search and builds the indexes inside the migration's transaction, which blocks
-- writes to jobs meanwhile: on a large store, apply it at a quiet time.

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

-- What the job list searches, in a table of its own: a job's name, and the part of its input an
-- input filter can match (store/input-filter.ts, `searchableInput`) as the document
-- {"w": workspace, "i": fields}. Neither ever changes after the insert, and this table is never
-- updated, so its indexes cost one entry per insert (and a delete per purge). On jobs they would
-- cost entries on every claim and finish as well: both change `status` and are never HOT updates.
-- Measured (inputs of 14 leaves, 10 of them in an array): a GIN index on the input on jobs made an
-- insert in batches of 1,000 cost 69 µs a job instead of 40 and a claim plus finish 205 µs instead
-- of 127. With this table, claims and finishes cost what they did, an insert in batches of 1,000
-- about 25 µs more (31 to 56), a single insert no more than the noise (741 and 788 µs).
CREATE TABLE job_search (
  seq BIGINT PRIMARY KEY,
  job_id TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  name TEXT COLLATE "C" NOT NULL,
  doc JSONB
);
-- The jobs already stored, before the indexes are built (one sort, not a million inserts). Their
-- documents hold the whole input (an insert keeps only what a filter can match; the matches are
-- the same), unless it holds a \u0000 or lone-surrogate escape, which jsonb cannot hold: such a
-- job is not found by an input filter.
INSERT INTO job_search (seq, job_id, workspace_id, name, doc)
SELECT seq, id, workspace_id, name,
  CASE WHEN strpos(input, '\u') = 0 OR input !~ '\\u(0000|d[89a-f])'
    THEN jsonb_build_object('w', workspace_id, 'i', input::jsonb) END
FROM jobs;
-- Search by name prefix (jobs-list.ts): byte order, as SQLite compares, so a prefix is one range;
-- seq and job_id ride along so a page is sorted from the index alone.
CREATE INDEX job_search_name ON job_search (workspace_id, name) INCLUDE (seq, job_id);
-- Search by input field: containment (@>) of {"w": workspace, "i": {path: value}}, so the index
-- answers per workspace (a GIN index cannot lead with a column without the btree_gin extension).
-- jsonb_path_ops: one hashed entry per leaf (its path and value), smaller and faster to update
-- than jsonb_ops, and @> is all the filter asks.
CREATE INDEX job_search_doc ON job_search USING GIN (doc jsonb_path_ops);
-- Insert-only: vacuum soon after inserts, so the visibility map lets name searches read the index
-- alone.
ALTER TABLE job_search SET (autovacuum_vacuum_insert_scale_factor = 0.05, autovacuum_analyze_scale_factor = 0.05);
