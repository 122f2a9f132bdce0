/**
 * SQLite reads share one snapshot per turn of the event loop (store/sqlite/read-snapshot.ts). What
 * must hold: a process always reads its own writes; another process's commit shows from the next
 * turn; and a chain of awaits that never lets the loop turn still sees it within milliseconds.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createSqliteStore } from '../src/store/sqlite/index.ts';
import type { Store } from '../src/store/types.ts';
import { tempDir } from './helpers.ts';
import { newJob } from './store-conformance-helpers.ts';

describe('SQLite read snapshots', () => {
  const tmp = tempDir('longrun-snapshot-');
  let store: Store;
  let peer: Store;
  before(async () => {
    store = await createSqliteStore({ path: join(tmp.dir, 'db.sqlite') });
    peer = await createSqliteStore({ path: join(tmp.dir, 'db.sqlite') });
  });
  after(async () => {
    await store.close();
    await peer.close();
    tmp.cleanup();
  });

  const exists = async (s: Store, id: string) => (await s.jobGet({ workspaceId: 'ws1', id })) !== null;

  it('reads its own writes at once, inside the same turn', async () => {
    const job = newJob();
    assert.equal(await exists(store, job.id), false); // opens this turn's snapshot
    await store.jobInsert({ jobs: [job] });
    assert.equal(await exists(store, job.id), true);
  });

  it("sees another connection's commit from the next turn", async () => {
    const job = newJob();
    assert.equal(await exists(store, job.id), false);
    await peer.jobInsert({ jobs: [job] });
    await new Promise((r) => setImmediate(r));
    assert.equal(await exists(store, job.id), true);
  });

  it("sees another connection's commit within milliseconds even if the loop never turns", async () => {
    const job = newJob();
    assert.equal(await exists(store, job.id), false);
    await peer.jobInsert({ jobs: [job] });
    const t0 = performance.now();
    let seen = false;
    // Only promise continuations here: no timer or I/O callback can run until this loop ends.
    while (!seen && performance.now() - t0 < 1_000) seen = await exists(store, job.id);
    // Without the 5 ms bound the loop would spin its full second and fail here.
    assert.ok(seen, 'the snapshot was renewed');
    // Generous for a loaded CI machine; renewal itself takes ~5 ms.
    assert.ok(performance.now() - t0 < 500, `renewed after ${performance.now() - t0} ms`);
  });
});
