-- Values a store makes once and every process on it shares. `cursor_key` signs list cursors
-- (src/engine/cursor.ts): 256 random bits, made by the migration so no two processes can race to
-- make different ones.
CREATE TABLE settings (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO settings (name, value) VALUES ('cursor_key', lower(hex(randomblob(32))));
