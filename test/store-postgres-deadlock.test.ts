/**
 * A deadlock costs a retry, not a failed call. The soak's cancel races (soak/scenarios/api.ts) saw
 * `POST /jobs/:id/cancel` answer 500 "deadlock detected": a cancel locks its job and then the count
 * rows, while a finishing batch held count rows and waited for that job. PostgreSQL aborts one
 * transaction of a deadlock whole; the store now runs it again.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createPostgresStore } from '../src/store/postgres/index.ts';
import type { Store } from '../src/store/types.ts';
import { insert } from './store-conformance-helpers.ts';
import { dropSchema, newSchemaName, PG_URL, pgSkipReason, withAdmin } from './store-postgres-helpers.ts';

const skip = await pgSkipReason();
const schema = newSchemaName();
let store: Store | null = null;

after(async () => {
  await store?.close();
  await dropSchema(schema);
});

describe('postgres deadlocks', skip ? { skip } : {}, () => {
  it('a cancel chosen as a deadlock victim is run again and succeeds', async () => {
    store = await createPostgresStore({ connectionString: PG_URL, schema, poolSize: 4 });
    const s = store;
    const [id] = await insert(s, { category: 'seo' });
    await withAdmin(async (other) => {
      // The other transaction holds every count row the cancel will update…
      await other.query('BEGIN');
      await other.query(
        `INSERT INTO job_counts (workspace_id, category, status, shard, n)
         SELECT 'ws1', 'seo', st, g, 0 FROM unnest(ARRAY['pending', 'cancelled']) st, generate_series(0, 15) g
         ON CONFLICT (workspace_id, category, status, shard) DO UPDATE SET n = job_counts.n`,
      );
      // …the cancel locks the job and waits for them, first, so its backend is the one that finds
      // the deadlock after deadlock_timeout and is aborted…
      const cancelled = s.jobCancel({ workspaceId: 'ws1', id: id as string });
      await new Promise((r) => setTimeout(r, 300));
      // …once this waits for the job the cancel holds.
      const locked = other.query('SELECT id FROM jobs WHERE id = $1 FOR UPDATE', [id]);
      await locked;
      await other.query('COMMIT');
      const res = await cancelled;
      assert.equal(res.job.status, 'cancelled');
      assert.equal(res.previousStatus, 'pending');
    }, schema);
    const counts = await s.jobCounts({ workspaceId: 'ws1' });
    assert.equal(counts.find((c) => c.status === 'cancelled')?.count, 1, 'counted once, not twice');
    assert.equal(counts.find((c) => c.status === 'pending')?.count ?? 0, 0);
  });
});
