/**
 * `longrun serve --http-processes 2` as a user runs it: two processes answer on one port and the
 * primary runs the jobs. What must stay whole across them: one rate limit per key (without the
 * primary lending tokens, each process would allow the whole burst), one `/metrics` with every
 * process's requests, jobs created in an HTTP process run and streamed live, a dead HTTP process
 * replaced, and SIGTERM stopping them all.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LongrunClient, type StreamEvent } from '../src/client/index.ts';
import { cli, type Server, startServe } from './cli-helpers.ts';
import { tempDir, waitFor } from './helpers.ts';

/** A GET on a connection of its own, so the cluster hands each request to the next process. */
function getFresh(url: string, key: string | null): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers = key ? { authorization: `Bearer ${key}` } : {};
    http
      .get(url, { agent: false, headers }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

/** The HTTP processes: children running the CLI (tsx's esbuild service is a child too). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === pid && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('longrun-src.js'))
        out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Reads until `done` (with `next()`: a `for await` that breaks would close the stream). */
async function until(events: AsyncGenerator<StreamEvent>, done: (e: StreamEvent) => boolean) {
  const seen: StreamEvent[] = [];
  for (;;) {
    const { value, done: ended } = await events.next();
    if (ended) return seen;
    seen.push(value);
    if (done(value)) return seen;
  }
}

describe('longrun serve --http-processes 2', () => {
  const tmp = tempDir();
  let server: Server;
  let admin: LongrunClient;
  let jobId: string;
  const keyOf = async (scope: string) => {
    const res = await fetch(`${server.url}/api/v1/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ scope, name: scope }),
    });
    assert.equal(res.status, 201);
    return ((await res.json()) as { key: string }).key;
  };

  before(async () => {
    // Burst 20, one token a second: the 30 requests below take well under a second.
    server = await startServe(join(tmp.dir, 'cluster.db'), [
      '--http-processes',
      '2',
      '--rate-limit',
      '60/20',
    ]);
    admin = new LongrunClient({ url: server.url, key: server.key! });
    jobId = (await admin.createJob({ type: 'test.slow', input: { items: 1, itemMs: 1 } })).job.id;
  });
  after(async () => {
    if (server.proc.exitCode === null) server.proc.kill('SIGKILL');
    tmp.cleanup();
  });

  it('starts two HTTP processes beside the primary', () => {
    assert.equal(childrenOf(server.proc.pid!).length, 2);
    assert.ok(admin);
  });

  // The list goes through Hono; a job by id through the direct path (src/api/direct.ts) once the
  // process has the key cached, so both ways of spending a token are covered.
  for (const [what, path, route] of [
    ['a list page', () => '/api/v1/jobs?limit=1', '/api/v1/jobs'],
    ['a job by id', () => `/api/v1/jobs/${jobId}`, '/api/v1/jobs/:id'],
  ] as const) {
    it(`holds one rate limit per key across the processes and reports every request in /metrics (${what})`, async () => {
      const key = await keyOf('read');
      let ok = 0;
      let limited = 0;
      const started = Date.now();
      for (let i = 0; i < 30; i++) {
        const { status } = await getFresh(`${server.url}${path()}`, key);
        if (status === 200) ok++;
        else if (status === 429) limited++;
      }
      // 20 from the burst plus one a second refilled meanwhile; tokens lent to one process and not
      // yet spent there (at most one batch, 2 here) may be missing from the other. Without the
      // primary lending them, each process would allow its own 20: all 30 would pass.
      const refilled = Math.ceil((Date.now() - started) / 1000);
      assert.ok(ok >= 18 && ok <= 20 + refilled, `200s: ${ok} (${refilled} s of refill)`);
      assert.equal(ok + limited, 30);

      const metrics = (await getFresh(`${server.url}/metrics`, server.key)).body;
      const counted = [
        ...metrics.matchAll(/^longrun_http_request_duration_seconds_count\{([^}]*)\} (\d+)$/gm),
      ]
        .filter(([, labels]) => labels?.includes(`route="${route}"`) && labels.includes('method="GET"'))
        .reduce((sum, m) => sum + Number(m[2]), 0);
      assert.equal(counted, 30, 'both processes counted, once');
      const jobSeries = [...metrics.matchAll(/^longrun_jobs\{[^}]*\}/gm)].map((m) => m[0]);
      assert.equal(new Set(jobSeries).size, jobSeries.length, 'store-derived series appear once');
    });
  }

  it('runs a job created over HTTP in the primary, streams it live, and cancels another', async () => {
    const client = new LongrunClient({ url: server.url, key: await keyOf('write') });
    const short = await client.createJob({ type: 'test.slow', input: { items: 3, itemMs: 50 } });
    const seen = await until(
      client.jobEvents(short.job.id),
      (e) => e.event === 'status' && e.data.status === 'completed',
    );
    assert.ok(seen.some((e) => e.event === 'progress'));

    const long = await client.createJob({ type: 'test.slow', input: { items: 10_000, itemMs: 50 } });
    const events = client.jobEvents(long.job.id);
    await until(events, (e) => e.event === 'progress');
    assert.deepEqual(await client.cancelJob(long.job.id), { id: long.job.id, status: 'cancelled' });
    const rest = await until(events, (e) => e.event === 'status');
    assert.equal(rest.at(-1)?.data.status, 'cancelled');
  });

  it('replaces an HTTP process that dies', async () => {
    const [victim, survivor] = childrenOf(server.proc.pid!);
    process.kill(victim!, 'SIGKILL');
    const replaced = await waitFor('a new HTTP process', () => {
      const now = childrenOf(server.proc.pid!);
      return now.length === 2 && !now.includes(victim!) && now.includes(survivor!) ? now : null;
    });
    assert.equal(replaced.length, 2);
    // Both processes answer again: several fresh connections all succeed.
    for (let i = 0; i < 4; i++) assert.equal((await getFresh(`${server.url}/healthz`, null)).status, 200);
  });

  it('stops every process on SIGTERM and exits 0', async () => {
    const children = childrenOf(server.proc.pid!);
    server.proc.kill('SIGTERM');
    assert.equal(await server.exited, 0);
    assert.ok(server.stderr.some((l) => l.includes('"stopped"')));
    await waitFor('the HTTP processes to exit', () => children.every((pid) => !alive(pid)));
  });
});

describe('longrun serve --http-processes 2 when the primary dies', () => {
  const tmp = tempDir();
  after(() => tmp.cleanup());

  it('its HTTP processes exit instead of serving on without a primary', async () => {
    const server = await startServe(join(tmp.dir, 'orphans.db'), ['--http-processes', '2']);
    const children = childrenOf(server.proc.pid!);
    assert.equal(children.length, 2);
    server.proc.kill('SIGKILL');
    await server.exited;
    await waitFor('the orphaned HTTP processes to exit', () => children.every((pid) => !alive(pid)));
  });
});

describe('longrun serve --http-processes 2 that cannot start', () => {
  const tmp = tempDir();
  after(() => tmp.cleanup());

  it('exits 1 with the reason when its port is taken, instead of waiting forever', {
    timeout: 30_000,
  }, async () => {
    const taken = http.createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    try {
      const port = (taken.address() as AddressInfo).port;
      const db = join(tmp.dir, 'taken.db');
      const args = ['serve', '--port', String(port), '--host', '127.0.0.1', '--db', db, '--no-examples'];
      const res = await cli([...args, '--http-processes', '2']);
      assert.equal(res.code, 1);
      assert.match(res.stderr, /EADDRINUSE/);
    } finally {
      taken.close();
    }
  });
});
