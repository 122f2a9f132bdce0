-- Completion webhooks (docs/operations.md, "Webhooks"). A webhook's secret is kept as it is, not
-- hashed: the sender needs it to sign every delivery.
CREATE TABLE webhooks (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  url TEXT NOT NULL,
  events TEXT NOT NULL,             -- JSON array of 'job.completed' | 'job.failed' | 'job.cancelled'
  types TEXT,                       -- JSON array of job types, NULL for every type
  categories TEXT,                  -- JSON array of categories, NULL for every category
  secret TEXT NOT NULL,
  previous_secret TEXT,             -- still signs (beside the new one) until previous_expires_at
  previous_expires_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX webhooks_ws ON webhooks (workspace_id, created_at);

-- The outbox: one row per (terminal status change, matching webhook), written by the trigger below
-- in the transaction that changed the status, whichever code path did it.
CREATE TABLE webhook_deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  webhook_id TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  job_id TEXT NOT NULL,
  event TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  next_attempt_at INTEGER,          -- due time while pending (a claim pushes it past its lease)
  claim_token TEXT,
  last_attempt_at INTEGER,
  last_status_code INTEGER,
  last_error TEXT,
  delivered_at INTEGER,
  payload TEXT                      -- the body, fixed at the first attempt so retries send the same bytes
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_hook ON webhook_deliveries (webhook_id, id);
-- Retention deletes a job's deliveries with the job (jobPurge).
CREATE INDEX webhook_deliveries_job ON webhook_deliveries (job_id);

-- The outbox trigger on jobs (webhooks.ts, OUTBOX_TRIGGER) exists only while some webhook does:
-- the store creates it with the first webhook and drops it with the last, in their transactions.
