-- Completion webhooks (docs/operations.md, "Webhooks"). A webhook's secret is kept as it is, not
-- hashed: the sender needs it to sign every delivery.
CREATE TABLE webhooks (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  url TEXT NOT NULL,
  events JSONB NOT NULL,            -- array of 'job.completed' | 'job.failed' | 'job.cancelled'
  types JSONB,                      -- array of job types, NULL for every type
  categories JSONB,                 -- array of categories, NULL for every category
  secret TEXT NOT NULL,
  previous_secret TEXT,             -- still signs (beside the new one) until previous_expires_at
  previous_expires_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX webhooks_ws ON webhooks (workspace_id, created_at);

-- The outbox: one row per (terminal status change, matching webhook), written by the trigger below
-- in the transaction that changed the status, whichever code path did it.
CREATE TABLE webhook_deliveries (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  webhook_id TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  job_id TEXT NOT NULL,
  event TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  next_attempt_at BIGINT,           -- due time while pending (a claim pushes it past its lease)
  claim_token TEXT,
  last_attempt_at BIGINT,
  last_status_code INTEGER,
  last_error TEXT,
  delivered_at BIGINT,
  payload TEXT                      -- the body, fixed at the first attempt so retries send the same bytes
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_hook ON webhook_deliveries (webhook_id, id);
-- Retention deletes a job's deliveries with the job (jobPurge).
CREATE INDEX webhook_deliveries_job ON webhook_deliveries (job_id);

-- A row trigger's WHEN cannot hold a subquery here: the function looks for a webhook first, so a
-- job of a workspace without one pays one index probe of `webhooks_ws` per terminal status change
-- (like jobs_status_transition, which already runs on each), and nothing on any other update.
CREATE FUNCTION jobs_webhook_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM webhooks WHERE workspace_id = NEW.workspace_id) THEN
    INSERT INTO webhook_deliveries (webhook_id, workspace_id, job_id, event, created_at, next_attempt_at)
    SELECT w.id, NEW.workspace_id, NEW.id, 'job.' || NEW.status, NEW.updated_at, NEW.updated_at
    FROM webhooks w
    WHERE w.workspace_id = NEW.workspace_id
      AND w.events ? ('job.' || NEW.status)
      AND (w.types IS NULL OR w.types ? NEW.type)
      AND (w.categories IS NULL OR w.categories ? NEW.category);
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER jobs_webhook_outbox AFTER UPDATE OF status ON jobs
FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status AND NEW.status IN ('completed', 'failed', 'cancelled'))
EXECUTE FUNCTION jobs_webhook_outbox();
