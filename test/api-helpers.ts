/**
 * Plumbing for the API tests: a temp SQLite store, job types the test steers item by item (no
 * sleeps: a job waits for permits the test hands out), keys of every scope in two workspaces, a
 * request helper and an SSE reader.
 */

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createParser } from 'eventsource-parser';
import { z } from 'zod';
import { type AppOptions, createApp, type LongrunApp } from '../src/api/app.ts';
import { createApiKey } from '../src/api/auth.ts';
import { answerClientErrors } from '../src/api/client-errors.ts';
import { nodeRequestListener } from '../src/api/direct.ts';
import { ErrorSchema } from '../src/api/schemas.ts';
import { NonRetryableError } from '../src/engine/context.ts';
import { type AnyJobDefinition, defineJob } from '../src/engine/define.ts';
import { createLongrun, type Longrun } from '../src/engine/longrun.ts';
import { createPostgresStore } from '../src/store/postgres/index.ts';
import { createSqliteStore } from '../src/store/sqlite/index.ts';
import type { Store } from '../src/store/types.ts';
import { tempDir } from './helpers.ts';
import { dropSchema, newSchemaName, PG_URL } from './store-postgres-helpers.ts';

/** Permits handed out by the test; a stepped job takes one per item. */
export class Gate {
  private permits = 0;
  private waiters: (() => void)[] = [];
  allow(n = 1): void {
    this.permits += n;
    while (this.permits > 0 && this.waiters.length) {
      this.permits--;
      this.waiters.shift()!();
    }
  }
  take(): Promise<void> {
    if (this.permits > 0) {
      this.permits--;
      return Promise.resolve();
    }
    return new Promise((r) => this.waiters.push(r));
  }
}

export const gates = new Map<string, Gate>();
export function gate(name: string): Gate {
  const known = gates.get(name);
  if (known) return known;
  const g = new Gate();
  gates.set(name, g);
  return g;
}

/** `items` items, each waiting for a permit of `gate`, logging a line; keys listed in `fail` throw. */
export const steppedJob = defineJob({
  type: 'test.stepped',
  category: 'seo',
  description: 'test job steered by the test',
  input: z.object({ gate: z.string(), items: z.number().int().min(0), fail: z.array(z.number()).optional() }),
  name: (i) => `Stepped ${i.gate}`,
  async run(ctx, input) {
    const ids = await ctx.step('plan', () => Array.from({ length: input.items }, (_, i) => i));
    await ctx.each('work', ids, { key: (i) => `item-${String(i).padStart(4, '0')}` }, async (i) => {
      await gate(input.gate).take();
      ctx.log.info(`item ${i}`);
      if (input.fail?.includes(i)) throw new Error(`item ${i} is broken`);
    });
    return { done: ids.length };
  },
});

export const quickJob = defineJob({
  type: 'test.quick',
  category: 'ai',
  input: z.object({ n: z.number().int().optional() }).strict(),
  async run(ctx) {
    ctx.log.info('quick');
    return { ok: true };
  },
});

export const failingJob = defineJob({
  type: 'test.failing',
  category: 'sync',
  input: z.object({}),
  async run() {
    throw new NonRetryableError('this job always fails');
  },
});

export const idleJob = defineJob({
  type: 'test.idle',
  category: 'export',
  input: z.object({ n: z.number().optional() }),
  async run() {
    return null;
  },
});

/** Reports progress one unit at a time for `ms`, far faster than any client should be sent it. */
export const chattyJob = defineJob({
  type: 'test.chatty',
  category: 'ai',
  input: z.object({ ms: z.number().int().min(1) }),
  async run(ctx, input) {
    const until = Date.now() + input.ms;
    ctx.progress.setTotal(0);
    let n = 0;
    while (Date.now() < until) {
      ctx.progress.increment({ completed: 1 });
      n++;
      await new Promise((r) => setTimeout(r, 1));
    }
    return { n };
  },
});

export const apiTestJobs = [steppedJob, quickJob, failingJob, idleJob, chattyJob];

/** Serves an app on a real socket (port 0) for tests that need the Node adapter's behaviour. */
export async function listen(app: LongrunApp): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer(nodeRequestListener(app, { hostname: '127.0.0.1' }));
  answerClientErrors(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export interface ApiFixture {
  app: LongrunApp;
  longrun: Longrun;
  store: Store;
  /** A second, independent store on the same database: what another process would see. */
  openPeerStore(): Promise<Store>;
  keys: { read: string; write: string; admin: string; other: string };
  req(
    path: string,
    init?: { method?: string; key?: string | null; body?: unknown; headers?: Record<string, string> },
  ): Promise<Response>;
  close(): Promise<void>;
}

export async function apiFixture(
  opts: Partial<AppOptions> & { workers?: boolean; jobs?: AnyJobDefinition[] } = {},
): Promise<ApiFixture> {
  const tmp = tempDir('longrun-api-');
  const dbPath = join(tmp.dir, 'api.db');
  // LONGRUN_API_STORE=postgres runs the same API tests on PostgreSQL, in a throwaway schema.
  const pgSchema = process.env.LONGRUN_API_STORE === 'postgres' ? newSchemaName() : null;
  const open = () =>
    pgSchema
      ? createPostgresStore({ connectionString: PG_URL, schema: pgSchema, poolSize: 4 })
      : createSqliteStore({ path: dbPath });
  const store = await open();
  const discard = async () => {
    await store.close().catch(() => {});
    if (pgSchema) await dropSchema(pgSchema);
    tmp.cleanup();
  };
  const longrun = createLongrun({ store, jobs: [...apiTestJobs, ...(opts.jobs ?? [])] });
  let app: LongrunApp;
  try {
    app = createApp({ longrun, rateLimit: false, ...opts });
  } catch (err) {
    // A test of bad options expects this throw: the store and its schema must not outlive it.
    await discard();
    throw err;
  }
  const keys = {
    read: (await createApiKey(store, { workspace: 'default', scope: 'read' })).key,
    write: (await createApiKey(store, { workspace: 'default', scope: 'write' })).key,
    admin: (await createApiKey(store, { workspace: 'default', scope: 'admin' })).key,
    other: (await createApiKey(store, { workspace: 'other', scope: 'admin' })).key,
  };
  if (opts.workers) longrun.start({ concurrency: 8, pollIntervalMs: 20, flushIntervalMs: 20 });
  return {
    app,
    longrun,
    store,
    openPeerStore: open,
    keys,
    req(path, init = {}) {
      const headers: Record<string, string> = { ...init.headers };
      const key = init.key === undefined ? keys.admin : init.key;
      if (key !== null) headers.authorization = `Bearer ${key}`;
      let body: string | undefined;
      if (init.body !== undefined) {
        body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
        headers['content-type'] ??= 'application/json';
      }
      return Promise.resolve(app.request(path, { method: init.method ?? 'GET', headers, body }));
    },
    async close() {
      for (const g of gates.values()) g.allow(1_000_000);
      await longrun.stop({ graceMs: 0 });
      await discard();
    },
  };
}

export interface SseEvent {
  event: string;
  id: number | null;
  data: Record<string, unknown>;
}

/** Reads an SSE response event by event; `comments` collects `:` lines (heartbeats). */
export function sseReader(res: Response) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const queue: SseEvent[] = [];
  const comments: string[] = [];
  let ended = false;
  const parser = createParser({
    onEvent: (m) =>
      queue.push({ event: m.event ?? 'message', id: m.id ? Number(m.id) : null, data: JSON.parse(m.data) }),
    onComment: (c) => comments.push(c),
  });
  return {
    comments,
    /** The next event, or null once the server closed the stream. */
    async next(): Promise<SseEvent | null> {
      while (queue.length === 0) {
        if (ended) return null;
        const { done, value } = await reader.read();
        if (done) ended = true;
        else parser.feed(decoder.decode(value, { stream: true }));
      }
      return queue.shift()!;
    },
    /** Reads until a comment arrives (heartbeat tests). */
    async nextComment(): Promise<string> {
      const seen = comments.length;
      while (comments.length === seen) {
        const { done, value } = await reader.read();
        if (done) throw new Error('stream ended before a comment');
        parser.feed(decoder.decode(value, { stream: true }));
      }
      return comments[comments.length - 1]!;
    },
    async all(): Promise<SseEvent[]> {
      const out: SseEvent[] = [];
      for (let e = await this.next(); e; e = await this.next()) out.push(e);
      return out;
    },
    cancel: () => reader.cancel(),
  };
}

/** The seed page's job fields with their JSON types; internal fields must not leak. */
export const SEED_FIELDS = [
  'id',
  'name',
  'type',
  'category',
  'status',
  'progress',
  'createdAt',
  'completedAt',
];

export function assertSeedTypes(job: Record<string, unknown>): void {
  for (const f of SEED_FIELDS) assert.ok(f in job, `field ${f} present`);
  for (const f of ['id', 'name', 'type', 'category', 'status']) assert.equal(typeof job[f], 'string', f);
  assert.ok(Number.isInteger(job.createdAt), 'createdAt is an integer (ms)');
  assert.ok(job.completedAt === null || Number.isInteger(job.completedAt), 'completedAt number|null');
  const p = job.progress as Record<string, unknown>;
  assert.deepEqual(Object.keys(p).sort(), ['completed', 'failed', 'total']);
  for (const k of ['total', 'completed', 'failed']) assert.ok(Number.isInteger(p[k]), `progress.${k}`);
  assert.ok(!('workspaceId' in job), 'workspaceId not exposed');
  for (const f of ['runAt', 'priority']) assert.ok(Number.isInteger(job[f]), `${f} is an integer`);
}

/** An error answer: this status and code in the envelope, optionally mentioning `mention`, and no stack. */
export async function expectError(
  res: Response,
  status: number,
  code: string,
  mention?: RegExp,
): Promise<void> {
  const text = await res.text();
  assert.equal(res.status, status, `status for ${text}`);
  const body = ErrorSchema.parse(JSON.parse(text));
  assert.equal(body.error.code, code, text);
  if (mention) assert.match(text, mention);
  assert.doesNotMatch(text, /\bat .*\.ts:\d+|node:internal|Error:/, 'no stack traces');
}
