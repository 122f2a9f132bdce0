/**
 * Plumbing for the hardening tests: an app over a real store (SQLite, or PostgreSQL when
 * LONGRUN_API_STORE=postgres) whose calls are counted (a
 * Proxy that forwards every call to the real store and counts the named methods; instrumentation,
 * not a mock), keys of each scope, requests over a real socket, and random well-formed credentials.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type AppOptions, createApp, type LongrunApp } from '../src/api/app.ts';
import { createApiKey } from '../src/api/auth.ts';
import { answerClientErrors } from '../src/api/client-errors.ts';
import { nodeRequestListener } from '../src/api/direct.ts';
import { createLongrun, type Longrun } from '../src/engine/longrun.ts';
import { createPostgresStore } from '../src/store/postgres/index.ts';
import { createSqliteStore } from '../src/store/sqlite/index.ts';
import type { Store } from '../src/store/types.ts';
import { apiTestJobs, gates, listen } from './api-helpers.ts';
import { tempDir } from './helpers.ts';
import { dropSchema, newSchemaName, PG_URL } from './store-postgres-helpers.ts';

/**
 * Serves `app` on a real socket and records, per request, whether the direct path
 * (src/api/direct.ts) answered it (true) or left it to Hono (false).
 */
export async function serveRecordingDirect(app: LongrunApp) {
  const taken: boolean[] = [];
  const listener = nodeRequestListener(
    {
      fetch: app.fetch,
      adapterError: app.adapterError,
      direct: (req, res) => {
        const took = app.direct(req, res);
        taken.push(took);
        return took;
      },
    },
    { hostname: '127.0.0.1' },
  );
  const server = http.createServer(listener);
  answerClientErrors(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    taken,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** The store with calls to `methods` counted; everything else passes through untouched. */
export function countCalls(store: Store, methods: readonly (keyof Store)[]) {
  const calls = Object.fromEntries(methods.map((m) => [m, 0])) as Record<keyof Store, number>;
  const counted = new Proxy(store, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      const name = prop as keyof Store;
      return (...args: unknown[]) => {
        if (name in calls) calls[name]++;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { counted, calls };
}

export interface CountedFixture {
  app: LongrunApp;
  longrun: Longrun;
  /** The real store (the counted one is what the app uses). */
  store: Store;
  calls: Record<keyof Store, number>;
  keys: { read: string; write: string; admin: string };
  /** A second store on the same file: what another process (`longrun keys revoke`) writes through. */
  openPeerStore(): Promise<Store>;
  url(): Promise<string>;
  close(): Promise<void>;
}

export async function countedFixture(
  opts: Partial<AppOptions> & {
    count?: readonly (keyof Store)[];
    workers?: boolean;
    /** App options that need the Longrun (a metrics registry of the test's own). */
    configure?: (longrun: Longrun) => Partial<AppOptions>;
  } = {},
): Promise<CountedFixture> {
  const tmp = tempDir('longrun-hardening-');
  const path = join(tmp.dir, 'api.db');
  // LONGRUN_API_STORE=postgres (test/api-on-postgres.test.ts) runs these on PostgreSQL too.
  const pgSchema = process.env.LONGRUN_API_STORE === 'postgres' ? newSchemaName() : null;
  const open = () =>
    pgSchema
      ? createPostgresStore({ connectionString: PG_URL, schema: pgSchema, poolSize: 4 })
      : createSqliteStore({ path });
  const store = await open();
  const { counted, calls } = countCalls(store, opts.count ?? ['apiKeyFindByHash', 'apiKeyTouch']);
  const longrun = createLongrun({ store: counted, jobs: apiTestJobs });
  const app = createApp({ longrun, rateLimit: false, ...opts, ...opts.configure?.(longrun) });
  const keys = {
    read: (await createApiKey(store, { workspace: 'default', scope: 'read' })).key,
    write: (await createApiKey(store, { workspace: 'default', scope: 'write' })).key,
    admin: (await createApiKey(store, { workspace: 'default', scope: 'admin' })).key,
  };
  for (const k of Object.keys(calls) as (keyof Store)[]) calls[k] = 0;
  if (opts.workers) longrun.start({ concurrency: 4, pollIntervalMs: 20, flushIntervalMs: 20 });
  let server: Awaited<ReturnType<typeof listen>> | null = null;
  const peers: Store[] = [];
  return {
    app,
    longrun,
    store,
    calls,
    keys,
    async openPeerStore() {
      const peer = await open();
      peers.push(peer);
      return peer;
    },
    async url() {
      server ??= await listen(app);
      return server.url;
    },
    async close() {
      for (const g of gates.values()) g.allow(1_000_000);
      await server?.close();
      await longrun.stop({ graceMs: 0 });
      for (const p of peers) await p.close().catch(() => {});
      await store.close().catch(() => {});
      if (pgSchema) await dropSchema(pgSchema);
      tmp.cleanup();
    },
  };
}

/** A key of the right shape that no store holds. */
export function randomKey(): string {
  return `lr_${randomBytes(4).toString('hex')}_${randomBytes(32).toString('hex')}`;
}

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * A request over a connection of its own, optionally from another loopback address (the whole of
 * 127.0.0.0/8 is this machine, so `127.0.0.2` is a second client address).
 */
export function send(
  url: string,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string; localAddress?: string } = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${url}${path}`,
      { method: init.method ?? 'GET', headers: init.headers, agent: false, localAddress: init.localAddress },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
