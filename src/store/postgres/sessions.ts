/**
 * Dashboard sessions on PostgreSQL. A session is valid while it is not revoked, its key is not
 * revoked, and it was seen within `idleMs` by the database clock (or the injected one); all three
 * are checked in the one lookup by hash.
 */
import { randomUUID } from 'node:crypto';
import { LongrunError } from '../../core/errors.ts';
import { rowToSession, SESSION_COLUMNS } from '../rows.ts';
import type { SessionRecord } from '../types.ts';
import { nowParam, nowSql, type PgContext, read, writeOne } from './context.ts';

export async function sessionCreate(
  ctx: PgContext,
  p: { workspaceId: string; keyId: string; hash: string },
): Promise<SessionRecord> {
  const [row] = await writeOne(ctx, {
    text: `WITH s AS (
             INSERT INTO sessions (id, workspace_id, key_id, hash, created_at, last_seen_at)
             SELECT $2, k.workspace_id, k.id, $3, t.now, t.now
             FROM api_keys k, (SELECT ${nowSql(1)} AS now) t
             WHERE k.id = $4 AND k.workspace_id = $5 AND k.revoked_at IS NULL
             RETURNING *)
           SELECT ${SESSION_COLUMNS} FROM s JOIN api_keys k ON k.id = s.key_id`,
    values: [nowParam(ctx), randomUUID(), p.hash, p.keyId, p.workspaceId],
  });
  if (!row) throw new LongrunError('unauthorized', 'the API key is unknown or revoked');
  return rowToSession(row);
}

export async function sessionFind(
  ctx: PgContext,
  p: { hash: string; idleMs: number },
): Promise<SessionRecord | null> {
  const [row] = await read(ctx, {
    name: 'longrun_session_find',
    text: `SELECT ${SESSION_COLUMNS} FROM sessions s
           JOIN api_keys k ON k.id = s.key_id AND k.workspace_id = s.workspace_id
           WHERE s.hash = $2 AND s.revoked_at IS NULL AND k.revoked_at IS NULL
             AND s.last_seen_at >= ${nowSql(1)} - $3::bigint`,
    values: [nowParam(ctx), p.hash, p.idleMs],
  });
  return row ? rowToSession(row) : null;
}

export async function sessionTouch(ctx: PgContext, p: { id: string }): Promise<void> {
  await writeOne(ctx, {
    text: `UPDATE sessions SET last_seen_at = greatest(last_seen_at, ${nowSql(1)})
           WHERE id = $2 AND revoked_at IS NULL`,
    values: [nowParam(ctx), p.id],
  });
}

/** The sessions table stays small (one row a sign-in), so the scan this makes is cheap. */
export async function sessionPurge(ctx: PgContext, p: { idleMs: number; limit: number }): Promise<number> {
  const rows = await writeOne(ctx, {
    text: `DELETE FROM sessions WHERE id IN
             (SELECT id FROM sessions
              WHERE revoked_at IS NOT NULL OR last_seen_at < ${nowSql(1)} - $2::bigint LIMIT $3)
           RETURNING id`,
    values: [nowParam(ctx), p.idleMs, p.limit],
  });
  return rows.length;
}

export async function sessionRevoke(ctx: PgContext, p: { hash: string }): Promise<boolean> {
  const rows = await writeOne(ctx, {
    text: `UPDATE sessions SET revoked_at = ${nowSql(1)} WHERE hash = $2 AND revoked_at IS NULL RETURNING id`,
    values: [nowParam(ctx), p.hash],
  });
  return rows.length > 0;
}
