/**
 * WAL checkpoints run on a worker thread once a SQLite store writes steadily (checkpointer.ts), so
 * no commit on the event loop pays for copying the WAL into the database. Read from the `-shm`
 * file's WAL index, which records how many WAL frames exist (`mxFrame`) and how many have been
 * copied into the database (`nBackfill`); a probe connection asking would itself checkpoint.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createSqliteStore } from '../src/store/sqlite/index.ts';
import { insert } from './store-conformance-helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'longrun-ckpt-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The WAL index header (sqlite.org/walformat.html): mxFrame at byte 16, nBackfill at byte 96. */
function walIndex(path: string): { frames: number; backfilled: number } {
  const shm = readFileSync(`${path}-shm`);
  return { frames: shm.readUInt32LE(16), backfilled: shm.readUInt32LE(96) };
}

describe('sqlite WAL checkpoints', () => {
  it('leave the WAL to SQLite for a store that writes little', async () => {
    const path = join(dir, 'few.db');
    const store = await createSqliteStore({ path });
    for (let i = 0; i < 20; i++) await insert(store, {});
    await new Promise((r) => setTimeout(r, 300));
    const { frames, backfilled } = walIndex(path);
    // Far below SQLite's own 1,000-page checkpoint, and no thread: nothing copied yet.
    assert.ok(frames > 0 && backfilled < frames, `frames ${frames}, backfilled ${backfilled}`);
    await store.close();
  });

  it('copy the WAL into the database off the event loop once a store writes steadily', async () => {
    const path = join(dir, 'steady.db');
    const store = await createSqliteStore({ path });
    for (let i = 0; i < 400; i++) await insert(store, {});
    // Within a few of the thread's 50 ms rounds, every frame is in the database.
    let seen = walIndex(path);
    for (let i = 0; i < 40 && seen.backfilled !== seen.frames; i++) {
      await new Promise((r) => setTimeout(r, 50));
      seen = walIndex(path);
    }
    assert.ok(seen.frames > 0 && seen.backfilled === seen.frames, JSON.stringify(seen));
    const jobs = await store.jobList({ workspaceId: 'ws1', limit: 500 });
    assert.equal(jobs.jobs.length, 400);
    await store.close();
    // The thread's connection closed first, so the store's close, the last, removed the WAL.
    assert.equal(existsSync(`${path}-wal`), false);
  });
});
