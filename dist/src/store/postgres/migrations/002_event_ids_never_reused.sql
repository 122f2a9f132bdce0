-- SQLite's 002 makes event ids never reused after a purge. PostgreSQL's identity sequence never
-- went back, so there is nothing to change here; the file keeps the numbers of both backends
-- meaning the same change.
SELECT 1;
