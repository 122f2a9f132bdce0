-- A retried job points at the job it retries (`POST /api/v1/jobs/:id/retry`), and says whether it
-- reruns only what that job left unfinished ('failed-items') or everything (NULL). The failed-key
-- set itself is not copied: the engine reads it from the old job's items when an attempt starts.
ALTER TABLE jobs ADD COLUMN retry_of TEXT;
ALTER TABLE jobs ADD COLUMN retry_only TEXT;
