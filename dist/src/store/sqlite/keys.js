/** Workspaces and API keys on SQLite. Keys are stored as SHA-256 hashes only. */
import { randomUUID } from 'node:crypto';
import { rowToApiKey } from "../rows.js";
export function workspaceEnsure(ctx, p) {
    const now = ctx.clock.now();
    return ctx.write(() => {
        const info = ctx.sql
            .get('INSERT INTO workspaces (id, created_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING')
            .run(p.name, now);
        return { id: p.name, name: p.name, created: info.changes > 0 };
    });
}
export function apiKeyCreate(ctx, p) {
    const now = ctx.clock.now();
    const id = randomUUID();
    ctx.write(() => ctx.sql
        .get('INSERT INTO api_keys (id, workspace_id, name, scope, hash, prefix, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(id, p.workspaceId, p.name, p.scope, p.hash, p.prefix, now));
    return rowToApiKey(ctx.sql.get('SELECT * FROM api_keys WHERE id = ?').get(id));
}
export function apiKeyFindByHash(ctx, p) {
    const row = ctx.sql.get('SELECT * FROM api_keys WHERE hash = ? AND revoked_at IS NULL').get(p.hash);
    return row ? Object.assign(rowToApiKey(row), { hash: String(row.hash) }) : null;
}
export function apiKeyList(ctx, p) {
    const rows = p.workspaceId
        ? ctx.sql.get('SELECT * FROM api_keys WHERE workspace_id = ? ORDER BY created_at').all(p.workspaceId)
        : ctx.sql.get('SELECT * FROM api_keys ORDER BY workspace_id, created_at').all();
    return rows.map(rowToApiKey);
}
export function apiKeyTouch(ctx, p) {
    const now = ctx.clock.now();
    ctx.write(() => ctx.sql
        .get('UPDATE api_keys SET last_used_at = max(coalesce(last_used_at, 0), ?) WHERE id = ?')
        .run(now, p.id));
}
export function apiKeyRevoke(ctx, p) {
    const now = ctx.clock.now();
    return ctx.write(() => {
        const info = p.workspaceId
            ? ctx.sql
                .get('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND workspace_id = ? AND revoked_at IS NULL')
                .run(now, p.id, p.workspaceId)
            : ctx.sql.get('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(now, p.id);
        return info.changes > 0;
    });
}
//# sourceMappingURL=keys.js.map