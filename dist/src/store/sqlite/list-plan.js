export function planList(p, counts) {
    const statuses = p.statuses?.length ? p.statuses : null;
    const categories = p.categories?.length ? p.categories : null;
    const types = p.types?.length ? p.types : null;
    const typeFilter = types ? [{ column: 'type', values: types }] : [];
    if (statuses && categories) {
        const rows = counts();
        const sum = (pred) => rows.filter(pred).reduce((s, r) => s + r.count, 0);
        const byStatus = sum((r) => statuses.includes(r.status));
        const byCategory = sum((r) => categories.includes(r.category));
        return byStatus <= byCategory
            ? {
                index: 'jobs_ws_status',
                column: 'status',
                values: statuses,
                filters: [{ column: 'category', values: categories }, ...typeFilter],
            }
            : {
                index: 'jobs_ws_category',
                column: 'category',
                values: categories,
                filters: [{ column: 'status', values: statuses }, ...typeFilter],
            };
    }
    if (categories)
        return { index: 'jobs_ws_category', column: 'category', values: categories, filters: typeFilter };
    if (statuses)
        return { index: 'jobs_ws_status', column: 'status', values: statuses, filters: typeFilter };
    if (types)
        return { index: 'jobs_ws_type', column: 'type', values: types, filters: [] };
    return { index: 'jobs_ws_seq', column: 'workspace_id', values: [p.workspaceId], filters: [] };
}
//# sourceMappingURL=list-plan.js.map