/**
 * Reads share one snapshot per turn of the event loop. In WAL mode every read transaction takes and
 * drops a read lock on the shared-memory file, two `fcntl` calls; on the 2-core VMs we measure on,
 * that pair cost more than the job-by-id query itself, and an API request made five of them. Here
 * the first read of a turn opens a deferred transaction and a `setImmediate` commits it once the
 * turn's I/O callbacks have run, so every request handled in that turn reads under one lock.
 *
 * What a reader sees is unchanged in every way that matters:
 * - this process's own writes end the snapshot first (`end()` in `write()`), so a read after a write
 *   always sees it: one connection, synchronous calls, no interleaving;
 * - another process's commit becomes visible at the next turn, at most one loop iteration later,
 *   the same as if the request had arrived a moment earlier;
 * - the snapshot lives for at most one loop iteration, and never past `MAX_SNAPSHOT_MS` even when a
 *   chain of promises keeps the loop from turning, so it never holds back a checkpoint for long.
 *
 * ```ts
 * const snapshot = readSnapshots(db);
 * const job = snapshot.read(() => stmt.get(id));
 * snapshot.end(); // before writing
 * ```
 */
import type { Db } from './db.ts';
export interface ReadSnapshots {
    read<T>(fn: () => T): T;
    /** Commits the open snapshot, if any: before a write, and on close. */
    end(): void;
}
export declare function readSnapshots(db: Db): ReadSnapshots;
//# sourceMappingURL=read-snapshot.d.ts.map