/**
 * Dashboard sessions on SQLite. A session is valid while it is not revoked, its key is not revoked,
 * and it was seen within `idleMs`; all three are checked in the one lookup by hash.
 */
import { randomUUID } from 'node:crypto';
import { LongrunError } from '../../core/errors.ts';
import { type Row, rowToSession, SESSION_COLUMNS } from '../rows.ts';
import type { SessionRecord } from '../types.ts';
import type { SqliteContext } from './context.ts';

export function sessionCreate(
  ctx: SqliteContext,
  p: { workspaceId: string; keyId: string; hash: string },
): SessionRecord {
  const now = ctx.clock.now();
  const id = randomUUID();
  const made = ctx.write(
    () =>
      ctx.sql
        .get(
          `INSERT INTO sessions (id, workspace_id, key_id, hash, created_at, last_seen_at)
           SELECT ?, workspace_id, id, ?, ?, ? FROM api_keys
           WHERE id = ? AND workspace_id = ? AND revoked_at IS NULL`,
        )
        .run(id, p.hash, now, now, p.keyId, p.workspaceId).changes,
  );
  if (made === 0) throw new LongrunError('unauthorized', 'the API key is unknown or revoked');
  return rowToSession(
    ctx.sql
      .get(`SELECT ${SESSION_COLUMNS} FROM sessions s JOIN api_keys k ON k.id = s.key_id WHERE s.id = ?`)
      .get(id) as Row,
  );
}

export function sessionFind(ctx: SqliteContext, p: { hash: string; idleMs: number }): SessionRecord | null {
  const row = ctx.sql
    .get(
      `SELECT ${SESSION_COLUMNS} FROM sessions s
       JOIN api_keys k ON k.id = s.key_id AND k.workspace_id = s.workspace_id
       WHERE s.hash = ? AND s.revoked_at IS NULL AND k.revoked_at IS NULL AND s.last_seen_at >= ?`,
    )
    .get(p.hash, ctx.clock.now() - p.idleMs) as Row | undefined;
  return row ? rowToSession(row) : null;
}

export function sessionTouch(ctx: SqliteContext, p: { id: string }): void {
  const now = ctx.clock.now();
  ctx.write(() =>
    ctx.sql
      .get('UPDATE sessions SET last_seen_at = max(last_seen_at, ?) WHERE id = ? AND revoked_at IS NULL')
      .run(now, p.id),
  );
}

/** The sessions table stays small (one row a sign-in), so the scan this makes is cheap. */
export function sessionPurge(ctx: SqliteContext, p: { idleMs: number; limit: number }): number {
  const before = ctx.clock.now() - p.idleMs;
  return ctx.write(
    () =>
      ctx.sql
        .get(
          `DELETE FROM sessions WHERE id IN
             (SELECT id FROM sessions WHERE revoked_at IS NOT NULL OR last_seen_at < ? LIMIT ?)`,
        )
        .run(before, p.limit).changes,
  );
}

export function sessionRevoke(ctx: SqliteContext, p: { hash: string }): boolean {
  const now = ctx.clock.now();
  return ctx.write(
    () =>
      ctx.sql.get('UPDATE sessions SET revoked_at = ? WHERE hash = ? AND revoked_at IS NULL').run(now, p.hash)
        .changes > 0,
  );
}
