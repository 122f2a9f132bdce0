-- Flow control (docs/operations.md, "Concurrency limits and pausing").
--
-- concurrency_key: the key a type's `concurrency: { key, limit }` computed from the input at
-- enqueue. NULL for every job whose type has no keyed limit (or whose key function gave none), so
-- the column costs nothing on rows that do not use it and no index is added to jobs: counting the
-- jobs that hold a slot reads the leased rows through jobs_lease, and there are only as many of
-- those as jobs running.
ALTER TABLE jobs ADD COLUMN concurrency_key TEXT;

-- Job types paused per workspace: claims skip their pending jobs. A row exists while paused.
CREATE TABLE job_type_pauses (
  workspace_id TEXT NOT NULL,
  type TEXT NOT NULL,
  paused_at INTEGER NOT NULL,
  paused_by TEXT,
  PRIMARY KEY (workspace_id, type)
) WITHOUT ROWID;
