-- Event ids must never be issued twice: SSE streams resume after the last id they saw. Without
-- AUTOINCREMENT SQLite gives a new row max(id) + 1, so once retention purged the jobs holding the
-- newest events, the next events reused their ids and a stream waiting after them skipped them.
-- AUTOINCREMENT keeps the highest id ever issued in sqlite_sequence (PostgreSQL's identity
-- sequence never went back). The copy also seeds sqlite_sequence with the current max(id).
CREATE TABLE job_events_new (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
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
INSERT INTO job_events_new (id, workspace_id, job_id, kind, level, step, attempt, message, data, created_at)
  SELECT id, workspace_id, job_id, kind, level, step, attempt, message, data, created_at FROM job_events;
DROP TABLE job_events;
ALTER TABLE job_events_new RENAME TO job_events;
CREATE INDEX job_events_job ON job_events (job_id, id);
