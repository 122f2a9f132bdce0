/**
 * Cancels committed by other processes, seen between two items rather than at the next heartbeat.
 * SQLite has no LISTEN: a `longrun worker` sharing the file with a `longrun serve` that accepted a
 * cancel would learn of it only when its heartbeat next read the job (a third of the lease later),
 * starting item after item meanwhile. The engine calls `look()` before each item and step.
 *
 * `PRAGMA data_version` says, for about 4 µs, whether any other connection committed since the last
 * look; only then are the status events written since read. Looking at most once per millisecond
 * keeps a job of a million tiny items within a fraction of a percent of its speed, while an item
 * that runs a millisecond or longer is checked before every start.
 *
 * ```ts
 * const cancels = foreignCancels(db, () => snapshot.end(), (jobId) => emitter.emit('jobCancelled', jobId));
 * cancels.look();
 * ```
 */
import type { Db } from './db.ts';

const MIN_GAP_MS = 1;

export function foreignCancels(db: Db, endSnapshot: () => void, emit: (jobId: string) => void) {
  let watch: ReturnType<typeof startWatching> | null = null;
  const ready = () => {
    // A store opened with `migrate: false` on a new file has no tables yet: start once it has.
    try {
      watch ??= startWatching(db);
    } catch {
      return null;
    }
    return watch;
  };
  ready();
  let lookedAt = performance.now();
  return {
    look(): void {
      const now = performance.now();
      if (now - lookedAt < MIN_GAP_MS || !db.open) return;
      lookedAt = now;
      // An open read snapshot would hide the commits this looks for.
      endSnapshot();
      for (const jobId of ready()?.cancelledSinceLastLook() ?? []) emit(jobId);
    },
  };
}

function startWatching(db: Db) {
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  const highWater = db
    .prepare("SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = 'job_events'")
    .pluck();
  const cancelledBetween = db
    .prepare(
      `SELECT job_id FROM job_events
       WHERE id > ? AND id <= ? AND kind = 'status' AND json_extract(data, '$.status') = 'cancelled'`,
    )
    .pluck();
  let version = dataVersion.get() as number;
  let seen = highWater.get() as number;
  return {
    cancelledSinceLastLook(): string[] {
      const v = dataVersion.get() as number;
      if (v === version) return [];
      version = v;
      const top = highWater.get() as number;
      const jobIds = cancelledBetween.all(seen, top) as string[];
      seen = top;
      return jobIds;
    },
  };
}
