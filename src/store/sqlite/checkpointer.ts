/**
 * WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside the commit that
 * pushes the WAL past 1,000 pages: that commit then copies the WAL into the database file and
 * fsyncs it on the thread that runs every handler, a pause of several milliseconds that was most
 * of enqueue→start's p99. Once a store writes steadily, a worker thread with its own connection
 * runs `PRAGMA wal_checkpoint(PASSIVE)` instead (it never waits for readers or writers), on the
 * second core, and the store's own automatic checkpoint moves to 10,000 pages as a safety net for
 * a thread that falls behind or dies.
 *
 * A store that writes little never starts the thread (a thread and its V8 heap cost ~10 MB and a
 * few tens of milliseconds to start): the first `START_AFTER_WRITES` transactions keep SQLite's
 * own checkpoints.
 *
 * ```ts
 * const checkpoints = walCheckpointer(db, path);
 * checkpoints.written(); // after each write transaction
 * await checkpoints.close();
 * ```
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Db } from './db.ts';

const START_AFTER_WRITES = 256;
/** Pages the store's own connection lets the WAL reach once the thread checkpoints (the net). */
const SAFETY_NET_PAGES = 10_000;
/** How often the thread checkpoints: ~1,000 pages of WAL at 20,000 jobs/s. */
const INTERVAL_MS = 50;

// An eval'd CommonJS worker: no file to find next to this module once bundled or compiled, and no
// TypeScript loader inherited (execArgv is emptied). The driver's path comes from this module's
// own resolution, so it loads the same better-sqlite3 wherever the package is installed.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
const timer = setInterval(() => {
  try { checkpoint.run(); } catch { /* busy or closing: the next tick or the safety net catches up */ }
}, workerData.intervalMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.postMessage('closed'); });
`;

export interface WalCheckpointer {
  /** Counts a committed write transaction; starts the thread after the first few hundred. */
  written(): void;
  close(): Promise<void>;
}

export function walCheckpointer(db: Db, path: string): WalCheckpointer {
  let writes = 0;
  let worker: Worker | null = null;
  let closed = false;
  let exited = false;
  const inMemory = path === ':memory:' || path === '';
  return {
    written() {
      if (worker || closed || inMemory || ++writes < START_AFTER_WRITES) return;
      worker = new Worker(WORKER_SOURCE, {
        eval: true,
        execArgv: [],
        workerData: {
          driver: createRequire(import.meta.url).resolve('better-sqlite3'),
          path,
          intervalMs: INTERVAL_MS,
        },
      });
      worker.unref();
      worker.once('exit', () => {
        exited = true;
      });
      // A thread that cannot open the file (removed underneath) leaves SQLite's own checkpoints.
      worker.on('error', () => {
        if (!closed) db.pragma('wal_autocheckpoint = 1000');
      });
      db.pragma(`wal_autocheckpoint = ${SAFETY_NET_PAGES}`);
    },
    async close() {
      closed = true;
      const w = worker;
      worker = null;
      if (!w || exited) return;
      // Its connection closes before the store's, so the store's close can still checkpoint and
      // remove the WAL as the last connection on the file.
      await new Promise<void>((resolve) => {
        w.once('message', () => resolve());
        w.once('exit', () => resolve());
        w.postMessage('close');
      });
      await w.terminate();
    },
  };
}
