export function num(v) {
    return typeof v === 'number' ? v : Number(v);
}
export function numOrNull(v) {
    return v === null || v === undefined ? null : num(v);
}
function strOrNull(v) {
    return v === null || v === undefined ? null : String(v);
}
export function parseJson(v) {
    if (v === null || v === undefined)
        return null;
    return typeof v === 'string' ? JSON.parse(v) : v;
}
/** The columns `rowToJob` reads, for SELECT lists and RETURNING clauses. */
export const JOB_COLUMNS = 'id, workspace_id, name, type, category, status, progress_total, progress_completed, progress_failed, ' +
    'created_at, completed_at, started_at, updated_at, run_at, priority, attempt, max_attempts, current_step, ' +
    'cancel_requested_at, error_code, error_message';
/** How many values `rawToJob` reads; columns selected after `JOB_COLUMNS` start at this index. */
export const JOB_COLUMN_COUNT = JOB_COLUMNS.split(', ').length;
/**
 * The same mapping from a raw row (an array in `JOB_COLUMNS` order). A list page reads 20 rows of
 * 21 columns; arrays cost half what keyed row objects do in better-sqlite3, and reading them by
 * position (not through an intermediate keyed object) keeps every job the same hidden class.
 */
export function rawToJob(v) {
    const errorCode = v[19];
    return {
        id: String(v[0]),
        workspaceId: String(v[1]),
        name: String(v[2]),
        type: String(v[3]),
        category: String(v[4]),
        status: v[5],
        progress: { total: num(v[6]), completed: num(v[7]), failed: num(v[8]) },
        createdAt: num(v[9]),
        completedAt: numOrNull(v[10]),
        startedAt: numOrNull(v[11]),
        updatedAt: num(v[12]),
        runAt: num(v[13]),
        priority: num(v[14]),
        attempt: num(v[15]),
        maxAttempts: num(v[16]),
        currentStep: strOrNull(v[17]),
        cancelRequestedAt: numOrNull(v[18]),
        error: errorCode ? { code: String(errorCode), message: String(v[20] ?? '') } : null,
    };
}
export function rowToJob(r) {
    return {
        id: String(r.id),
        workspaceId: String(r.workspace_id),
        name: String(r.name),
        type: String(r.type),
        category: String(r.category),
        status: r.status,
        progress: {
            total: num(r.progress_total),
            completed: num(r.progress_completed),
            failed: num(r.progress_failed),
        },
        createdAt: num(r.created_at),
        completedAt: numOrNull(r.completed_at),
        startedAt: numOrNull(r.started_at),
        updatedAt: num(r.updated_at),
        runAt: num(r.run_at),
        priority: num(r.priority),
        attempt: num(r.attempt),
        maxAttempts: num(r.max_attempts),
        currentStep: strOrNull(r.current_step),
        cancelRequestedAt: numOrNull(r.cancel_requested_at),
        error: r.error_code ? { code: String(r.error_code), message: String(r.error_message ?? '') } : null,
    };
}
export function rowToLog(r) {
    return {
        id: num(r.id),
        timestamp: num(r.created_at),
        level: r.level,
        message: String(r.message),
        step: strOrNull(r.step),
        attempt: num(r.attempt),
    };
}
export function rowToStep(r) {
    const step = {
        name: String(r.name),
        status: r.status,
        attempt: num(r.attempt),
        startedAt: num(r.started_at),
        completedAt: numOrNull(r.completed_at),
    };
    if (r.result !== null && r.result !== undefined)
        step.result = parseJson(r.result);
    return step;
}
export function rowToAttempt(r) {
    return {
        attempt: num(r.attempt),
        workerId: strOrNull(r.worker_id),
        startedAt: num(r.started_at),
        endedAt: numOrNull(r.ended_at),
        outcome: (r.outcome ?? null),
        error: strOrNull(r.error),
    };
}
export function rowToItem(r) {
    return {
        step: String(r.step),
        key: String(r.key),
        status: r.status,
        error: strOrNull(r.error),
        attempt: num(r.attempt),
        updatedAt: num(r.updated_at),
    };
}
export function rowToEvent(r) {
    const data = (parseJson(r.data) ?? {});
    if (r.kind === 'log') {
        Object.assign(data, { level: r.level, message: r.message, step: r.step ?? null });
    }
    return {
        id: num(r.id),
        jobId: String(r.job_id),
        workspaceId: String(r.workspace_id),
        kind: r.kind,
        timestamp: num(r.created_at),
        data: Object.assign(data, { attempt: num(r.attempt) }),
    };
}
export function rowToApiKey(r) {
    return {
        id: String(r.id),
        workspaceId: String(r.workspace_id),
        workspaceName: String(r.workspace_id),
        name: String(r.name),
        scope: r.scope,
        prefix: String(r.prefix),
        createdAt: num(r.created_at),
        revokedAt: numOrNull(r.revoked_at),
        lastUsedAt: numOrNull(r.last_used_at),
    };
}
/** Per (workspace, category) deltas of a status change, applied to job_counts in one statement each. */
export class CountDeltas {
    deltas = new Map();
    add(workspaceId, category, status, delta) {
        const key = `${workspaceId}\u0000${category}\u0000${status}`;
        this.deltas.set(key, (this.deltas.get(key) ?? 0) + delta);
    }
    move(workspaceId, category, from, to) {
        if (from === to)
            return;
        this.add(workspaceId, category, from, -1);
        this.add(workspaceId, category, to, 1);
    }
    *entries() {
        for (const [key, delta] of this.deltas) {
            if (delta === 0)
                continue;
            const [workspaceId, category, status] = key.split('\u0000');
            yield { workspaceId, category, status, delta };
        }
    }
}
//# sourceMappingURL=rows.js.map