/** Query shapes shared by the SQL backends: how a job list filter splits into index ranges, and the item cursor. */
import { JOB_STATUSES } from "../core/status.js";
/** The equality combinations that drive a list query; each is served by one ordered index range. */
export function listCombos(p) {
    if (p.categories?.length) {
        const statuses = p.statuses?.length ? p.statuses : JOB_STATUSES;
        return p.categories.flatMap((category) => statuses.map((status) => ({ category, status })));
    }
    if (p.statuses?.length)
        return p.statuses.map((status) => ({ status }));
    if (p.types?.length)
        return p.types.map((type) => ({ type }));
    return [{}];
}
/** An item cursor is `step` NUL `key` of the last item seen. */
export function splitItemCursor(cursor) {
    const i = cursor.indexOf('\u0000');
    return i < 0 ? [cursor, ''] : [cursor.slice(0, i), cursor.slice(i + 1)];
}
//# sourceMappingURL=list.js.map