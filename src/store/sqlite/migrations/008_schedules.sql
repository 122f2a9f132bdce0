-- Schedules (docs/operations.md, "Schedules"): a cron expression in an IANA time zone that enqueues
-- a job of one type at each fire time. next_fire_at is the cursor: the first fire time not yet
-- processed; a scheduler advances it by compare-and-set, and each fire's job carries the
-- idempotency key schedule:<id>:<fire time>, so a fire enqueues once however many schedulers race.
CREATE TABLE schedules (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  name TEXT,
  type TEXT NOT NULL,
  input TEXT NOT NULL,
  cron TEXT NOT NULL,
  timezone TEXT NOT NULL,
  overlap TEXT NOT NULL CHECK (overlap IN ('skip', 'allow', 'cancel-previous')),
  catch_up TEXT NOT NULL CHECK (catch_up IN ('none', 'latest', 'all')),
  paused INTEGER NOT NULL DEFAULT 0,
  source TEXT NOT NULL CHECK (source IN ('api', 'code')),
  next_fire_at INTEGER,
  last_fire_at INTEGER,
  last_job_id TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX schedules_ws ON schedules (workspace_id, created_at, id);
-- What a scheduler polls: unpaused schedules by their next fire time.
CREATE INDEX schedules_due ON schedules (next_fire_at) WHERE paused = 0 AND next_fire_at IS NOT NULL;

-- The schedule that enqueued a job; partial, so jobs without one cost the index nothing.
ALTER TABLE jobs ADD COLUMN schedule_id TEXT;
CREATE INDEX jobs_schedule ON jobs (schedule_id, status) WHERE schedule_id IS NOT NULL;
