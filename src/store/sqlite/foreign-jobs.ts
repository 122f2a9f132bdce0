/**
 * Jobs that other processes enqueue on the same file, heard at once instead of at the worker's next
 * poll (500 ms by default). SQLite has no LISTEN, but every commit writes to the `-wal` file: while
 * this process has a worker listening, a watch on that file (inotify, through `fs.watch`) wakes it,
 * `PRAGMA data_version` (about 4 µs) says whether another connection committed, and one read of the
 * claim index whether a job is due; only then are the listeners woken. This process's own commits
 * stop at the pragma. Where the file system gives no watch (a network file system), the worker's
 * poll still finds the jobs, as before.
 *
 * ```ts
 * const foreign = foreignJobs(db, path, { now, endSnapshot, emit: () => emitter.emit('jobsAvailable') });
 * const stop = foreign.listen(); // while a worker listens
 * ```
 */
import { type FSWatcher, watch } from 'node:fs';
import type { Db } from './db.ts';

export function foreignJobs(
  db: Db,
  path: string,
  o: { now: () => number; endSnapshot: () => void; emit: () => void },
) {
  let watcher: FSWatcher | null = null;
  let listeners = 0;
  let queued = false;
  let version = 0;
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  let due: ReturnType<Db['prepare']> | null = null;
  const check = () => {
    queued = false;
    if (!db.open || listeners === 0) return;
    // An open read snapshot would hide the commit this looks for.
    o.endSnapshot();
    const v = dataVersion.get() as number;
    if (v === version) return;
    version = v;
    try {
      due ??= db.prepare("SELECT 1 FROM jobs WHERE status = 'pending' AND run_at <= ? LIMIT 1");
      if (due.get(o.now()) !== undefined) o.emit();
    } catch {
      // A store opened with `migrate: false` on a new file has no jobs table yet.
    }
  };
  const start = () => {
    if (path === ':memory:') return;
    try {
      version = dataVersion.get() as number;
      // One check per turn of the event loop, however many writes a commit made.
      watcher = watch(`${path}-wal`, { persistent: false }, () => {
        if (queued) return;
        queued = true;
        setImmediate(check);
      });
      watcher.on('error', () => stop());
    } catch {
      watcher = null;
    }
  };
  const stop = () => {
    watcher?.close();
    watcher = null;
  };
  return {
    /** Watches while at least one caller listens; the returned function stops listening. */
    listen(): () => void {
      if (listeners++ === 0) start();
      let stopped = false;
      return () => {
        if (stopped) return;
        stopped = true;
        if (--listeners === 0) stop();
      };
    },
    close: stop,
  };
}
