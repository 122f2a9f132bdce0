-- Who asked for a job's cancel: the name of the API key (or of the key behind a dashboard session).
-- A nullable column without a default: no table rewrite.
ALTER TABLE jobs ADD COLUMN cancel_requested_by TEXT;
