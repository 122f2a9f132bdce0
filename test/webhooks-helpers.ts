/**
 * Plumbing for the webhook tests: each store kind with a way to run raw SQL in one transaction on
 * the same database (another connection, as another process would), and a local HTTP receiver
 * whose answers the test scripts.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { FakeClock } from '../src/core/clock.ts';
import { createPostgresStore } from '../src/store/postgres/index.ts';
import { createSqliteStore } from '../src/store/sqlite/index.ts';
import type { Store } from '../src/store/types.ts';
import { tempDir } from './helpers.ts';
import { dropSchema, newSchemaName, PG_URL, pgSkipReason, withAdmin } from './store-postgres-helpers.ts';

export interface WebhookStoreKit {
  store: Store;
  /** Another connection, another store on the same database. */
  openPeer(): Promise<Store>;
  /** Runs the statements in one transaction on a raw connection, then commits or rolls back. */
  rawTransaction(statements: string[], end: 'COMMIT' | 'ROLLBACK'): Promise<void>;
  cleanup(): Promise<void>;
}

export type WebhookStoreFactory = (opts?: { clock?: FakeClock }) => Promise<WebhookStoreKit>;

export const pgSkip = await pgSkipReason();

export const STORE_KINDS: {
  kind: 'sqlite' | 'postgres';
  skip: string | undefined;
  open: WebhookStoreFactory;
}[] = [
  {
    kind: 'sqlite',
    skip: undefined,
    async open(opts = {}) {
      const tmp = tempDir('longrun-webhooks-');
      const path = join(tmp.dir, 'hooks.db');
      const peers: Store[] = [];
      const store = await createSqliteStore({ path, ...(opts.clock ? { clock: opts.clock } : {}) });
      return {
        store,
        async openPeer() {
          const peer = await createSqliteStore({ path, ...(opts.clock ? { clock: opts.clock } : {}) });
          peers.push(peer);
          return peer;
        },
        async rawTransaction(statements, end) {
          const db = new Database(path);
          db.pragma('busy_timeout = 10000');
          try {
            db.exec('BEGIN IMMEDIATE');
            for (const s of statements) db.exec(s);
            db.exec(end);
          } finally {
            db.close();
          }
          // The store reads within one snapshot per event-loop turn (read-snapshot.ts): end it.
          await new Promise((r) => setImmediate(r));
        },
        async cleanup() {
          for (const p of peers) await p.close();
          await store.close();
          tmp.cleanup();
        },
      };
    },
  },
  {
    kind: 'postgres',
    skip: pgSkip,
    async open(opts = {}) {
      const schema = newSchemaName();
      const peers: Store[] = [];
      const make = () =>
        createPostgresStore({
          connectionString: PG_URL,
          schema,
          poolSize: 4,
          ...(opts.clock ? { clock: opts.clock } : {}),
        });
      const store = await make();
      return {
        store,
        async openPeer() {
          const peer = await make();
          peers.push(peer);
          return peer;
        },
        rawTransaction: (statements, end) =>
          withAdmin(async (c) => {
            await c.query('BEGIN');
            for (const s of statements) await c.query(s);
            await c.query(end);
          }, schema),
        async cleanup() {
          for (const p of peers) await p.close();
          await store.close();
          await dropSchema(schema);
        },
      };
    },
  },
];

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/** A receiver on 127.0.0.1: records every request; `answers` are the statuses to give, in order (then 200). */
export class Receiver {
  readonly requests: Received[] = [];
  answers: number[] = [];
  private server: Server | null = null;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.requests.push({ headers: req.headers, body: Buffer.concat(chunks).toString(), at: Date.now() });
        res.statusCode = this.answers.shift() ?? 200;
        res.end('ok');
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
    return this;
  }

  async close(): Promise<void> {
    const s = this.server;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
}
