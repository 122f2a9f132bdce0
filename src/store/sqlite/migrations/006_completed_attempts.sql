-- Completed attempts get their row in job_attempts, as every other ending does (and as on
-- PostgreSQL). Before this, SQLite read a completed job's last attempt off the job row; copy those.
INSERT OR IGNORE INTO job_attempts (job_id, attempt, workspace_id, worker_id, started_at, ended_at, outcome, error)
SELECT id, attempt, workspace_id, lease_owner, attempt_started_at, completed_at, 'completed', NULL
FROM jobs WHERE status = 'completed' AND attempt > 0 AND attempt_started_at IS NOT NULL;
