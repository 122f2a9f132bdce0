-- Values a store makes once and every process on it shares. `cursor_key` signs list cursors
-- (src/engine/cursor.ts): two v4 UUIDs from gen_random_uuid() (pg_strong_random, built in since
-- PostgreSQL 13; pgcrypto's gen_random_bytes would need an extension), 244 random bits, made by
-- the migration so no two processes can race to make different ones.
CREATE TABLE settings (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
INSERT INTO settings (name, value)
VALUES ('cursor_key', replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''));
