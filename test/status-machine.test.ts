/** The status machine in code (core/status.ts) and in the schema (the SQLite trigger) agree, pair by pair. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { canTransition, isTerminal, JOB_STATUSES, type JobStatus } from '../src/core/status.ts';
import { migrateDatabase, openDatabase } from '../src/store/sqlite/db.ts';
import { tempDir } from './helpers.ts';

function insertRow(db: ReturnType<typeof openDatabase>, id: string, status: JobStatus): void {
  const leased = status === 'running' || status === 'cancelled';
  const finished = isTerminal(status) && status !== 'cancelled';
  db.prepare(
    `INSERT INTO jobs (id, workspace_id, type, category, name, status, input, max_attempts, run_at, created_at, updated_at,
       lease_token, completed_at) VALUES (?, 'w', 't', 'seo', 'n', ?, '{}', 3, 0, 0, 0, ?, ?)`,
  ).run(id, status, leased ? 'tok' : null, finished ? 1 : null);
}

describe('status machine', () => {
  it('the schema allows exactly the transitions core/status.ts allows', () => {
    const tmp = tempDir();
    const db = openDatabase(join(tmp.dir, 's.db'));
    migrateDatabase(db, { now: 0 });
    for (const from of JOB_STATUSES) {
      for (const to of JOB_STATUSES) {
        if (from === to) continue;
        const id = `${from}-${to}`;
        insertRow(db, id, from);
        // Each target state gets the columns its CHECKs demand, so only the trigger can refuse.
        const allowed = (() => {
          try {
            db.prepare(`UPDATE jobs SET status = ?, lease_token = ?, completed_at = ? WHERE id = ?`).run(
              to,
              to === 'running' ? 'tok' : null,
              isTerminal(to) ? 1 : null,
              id,
            );
            return true;
          } catch (err) {
            assert.match(String(err), /invalid job status transition/);
            return false;
          }
        })();
        assert.equal(allowed, canTransition(from, to), `${from} → ${to}`);
      }
    }
    db.close();
    tmp.cleanup();
  });
});
