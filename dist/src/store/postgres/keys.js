/** Workspaces and API keys on PostgreSQL. Keys are stored as SHA-256 hashes only. */
import { randomUUID } from 'node:crypto';
import { rowToApiKey } from "../rows.js";
import { nowParam, nowSql, read, writeOne } from "./context.js";
export async function workspaceEnsure(ctx, p) {
    const rows = await writeOne(ctx, {
        text: `INSERT INTO workspaces (id, created_at) VALUES ($2, ${nowSql(1)}) ON CONFLICT (id) DO NOTHING RETURNING id`,
        values: [nowParam(ctx), p.name],
    });
    return { id: p.name, name: p.name, created: rows.length > 0 };
}
export async function apiKeyCreate(ctx, p) {
    const [row] = await writeOne(ctx, {
        text: `INSERT INTO api_keys (id, workspace_id, name, scope, hash, prefix, created_at)
           VALUES ($2, $3, $4, $5, $6, $7, ${nowSql(1)}) RETURNING *`,
        values: [nowParam(ctx), randomUUID(), p.workspaceId, p.name, p.scope, p.hash, p.prefix],
    });
    if (!row)
        throw new Error('api key insert returned no row');
    return rowToApiKey(row);
}
export async function apiKeyFindByHash(ctx, p) {
    const [row] = await read(ctx, {
        name: 'longrun_api_key_find',
        text: 'SELECT * FROM api_keys WHERE hash = $1 AND revoked_at IS NULL',
        values: [p.hash],
    });
    return row ? Object.assign(rowToApiKey(row), { hash: String(row.hash) }) : null;
}
export async function apiKeyList(ctx, p) {
    const rows = p.workspaceId
        ? await read(ctx, {
            text: 'SELECT * FROM api_keys WHERE workspace_id = $1 ORDER BY created_at, id',
            values: [p.workspaceId],
        })
        : await read(ctx, { text: 'SELECT * FROM api_keys ORDER BY workspace_id, created_at, id', values: [] });
    return rows.map(rowToApiKey);
}
export async function apiKeyTouch(ctx, p) {
    await writeOne(ctx, {
        text: `UPDATE api_keys SET last_used_at = greatest(coalesce(last_used_at, 0), ${nowSql(1)}) WHERE id = $2`,
        values: [nowParam(ctx), p.id],
    });
}
export async function apiKeyRevoke(ctx, p) {
    const rows = await writeOne(ctx, {
        text: `UPDATE api_keys SET revoked_at = ${nowSql(1)}
           WHERE id = $2 AND ($3::text IS NULL OR workspace_id = $3) AND revoked_at IS NULL RETURNING id`,
        values: [nowParam(ctx), p.id, p.workspaceId ?? null],
    });
    return rows.length > 0;
}
//# sourceMappingURL=keys.js.map