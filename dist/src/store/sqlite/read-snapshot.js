/** A long turn (a loaded server handles dozens of requests in one) reopens after this long. */
const MAX_SNAPSHOT_MS = 5;
export function readSnapshots(db) {
    const begin = db.prepare('BEGIN');
    const commit = db.prepare('COMMIT');
    let open = false;
    let openedAt = 0;
    const end = () => {
        if (!open)
            return;
        open = false;
        if (db.open && db.inTransaction)
            commit.run();
    };
    return {
        read(fn) {
            if (open && performance.now() - openedAt > MAX_SNAPSHOT_MS)
                end();
            if (!open && !db.inTransaction) {
                begin.run();
                open = true;
                openedAt = performance.now();
                setImmediate(end);
            }
            return fn();
        },
        end,
    };
}
//# sourceMappingURL=read-snapshot.js.map