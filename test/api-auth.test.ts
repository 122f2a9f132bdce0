/**
 * Auth, scopes, workspaces and rate limits: every route × every scope, the one 401 for every kind of
 * bad key, keys managed over HTTP within their workspace, and the per-key token bucket.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApiKey, hashKey } from '../src/api/auth.ts';
import { type ApiFixture, apiFixture, sseReader } from './api-helpers.ts';
import { waitFor } from './helpers.ts';

type Need = 'public' | 'read' | 'write' | 'admin';

/** The contract, written out by hand so a route declared with the wrong scope fails here. */
const EXPECTED: Record<string, Need> = {
  'GET /api/v1/jobs': 'read',
  'POST /api/v1/jobs': 'write',
  'GET /api/v1/jobs/:id': 'read',
  'POST /api/v1/jobs/:id/cancel': 'write',
  'POST /api/v1/jobs/:id/retry': 'write',
  'POST /api/v1/jobs/cancel': 'write',
  'POST /api/v1/job-types/:type/pause': 'write',
  'POST /api/v1/job-types/:type/resume': 'write',
  'GET /api/v1/jobs/:id/logs': 'read',
  'GET /api/v1/jobs/:id/items': 'read',
  'GET /api/v1/jobs/:id/events': 'read',
  'GET /api/v1/events': 'read',
  'GET /api/v1/keys': 'admin',
  'POST /api/v1/keys': 'admin',
  'DELETE /api/v1/keys/:id': 'admin',
  'GET /api/v1/job-types': 'read',
  'GET /api/v1/stats': 'read',
  'GET /api/v1/stats/timeseries': 'read',
  'POST /api/v1/session': 'public',
  'GET /api/v1/session': 'read',
  'DELETE /api/v1/session': 'public',
  'GET /api/v1/openapi.json': 'read',
  'GET /healthz': 'public',
  'GET /readyz': 'public',
  'GET /metrics': 'admin',
  'GET /api/v1/webhooks': 'admin',
  'POST /api/v1/webhooks': 'admin',
  'GET /api/v1/webhooks/:id': 'admin',
  'DELETE /api/v1/webhooks/:id': 'admin',
  'POST /api/v1/webhooks/:id/rotate-secret': 'admin',
  'GET /api/v1/webhooks/:id/deliveries': 'admin',
  'POST /api/v1/schedules': 'write',
  'GET /api/v1/schedules': 'read',
  'GET /api/v1/schedules/:id': 'read',
  'PATCH /api/v1/schedules/:id': 'write',
  'DELETE /api/v1/schedules/:id': 'write',
};

const WEBHOOK = { url: 'https://203.0.113.9/hook', events: ['job.completed'] };
const SCHEDULE = { type: 'test.idle', input: {}, cron: '0 3 * * *', timezone: 'UTC' };

const RANK = { read: 1, write: 2, admin: 3 } as const;

describe('auth and scopes', () => {
  let f: ApiFixture;
  let jobId: string;
  /** A cancelled job: what a retry may copy. */
  let cancelledId: string;
  before(async () => {
    f = await apiFixture();
    jobId = (await f.longrun.enqueue('test.idle', {})).job.id;
    cancelledId = (await f.longrun.enqueue('test.idle', {})).job.id;
    await f.longrun.cancel(cancelledId);
  });
  after(() => f.close());

  /** The id a route's path takes: a fresh key, webhook or schedule (a DELETE may remove it), a job. */
  async function targetOf(pattern: string): Promise<string> {
    const created = async (path: string, body: object) =>
      ((await (await f.req(path, { method: 'POST', body })).json()) as { id: string }).id;
    if (pattern.includes('/keys/')) return created('/api/v1/keys', { scope: 'read' });
    if (pattern.includes('/webhooks/')) return created('/api/v1/webhooks', WEBHOOK);
    if (pattern.includes('/schedules/')) return (await f.longrun.schedules.create(SCHEDULE)).id;
    return pattern.endsWith('/retry') ? cancelledId : jobId;
  }

  /** A valid body for each route that takes one. */
  function bodyOf(method: string, pattern: string): object | undefined {
    if (method === 'PATCH') return { paused: true };
    if (method !== 'POST') return undefined;
    const bodies: Record<string, object> = {
      '/api/v1/jobs': { type: 'test.idle', input: {} },
      '/api/v1/keys': { scope: 'read' },
      '/api/v1/webhooks': WEBHOOK,
      '/api/v1/schedules': SCHEDULE,
      '/api/v1/jobs/cancel': { ids: [jobId] },
      '/api/v1/session': { key: f.keys.read },
    };
    return bodies[pattern];
  }

  it('declares exactly the routes of the contract', () => {
    const declared = f.app.routeTable.map((r) => `${r.method.toUpperCase()} ${r.path}`).sort();
    assert.deepEqual(declared, Object.keys(EXPECTED).sort());
    for (const r of f.app.routeTable) assert.equal(r.scope, EXPECTED[`${r.method.toUpperCase()} ${r.path}`]);
  });

  it('enforces the full endpoint × scope matrix', async () => {
    for (const [route, need] of Object.entries(EXPECTED)) {
      const [method, pattern] = route.split(' ') as [string, string];
      for (const scope of ['none', 'read', 'write', 'admin'] as const) {
        // A fresh key per DELETE so revoking does not disturb the next iteration.
        const path = pattern.replace(':id', await targetOf(pattern)).replace(':type', 'test.idle');
        const body = bodyOf(method, pattern);
        const key = scope === 'none' ? null : f.keys[scope];
        const res = await f.req(path, { method, key, body });
        const allowed = need === 'public' || (scope !== 'none' && RANK[scope] >= RANK[need]);
        const label = `${route} with ${scope} key`;
        if (allowed) {
          if (res.status >= 400)
            assert.fail(`${label}: expected success, got ${res.status} ${await res.text()}`);
        } else if (scope === 'none') {
          assert.equal(res.status, 401, label);
          assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'unauthorized');
        } else {
          assert.equal(res.status, 403, label);
          const e = (await res.json()) as { error: { code: string; message: string } };
          assert.equal(e.error.code, 'forbidden');
          assert.match(e.error.message, new RegExp(`scope "${need}"`));
        }
        // Event streams stay open: release them.
        if (res.headers.get('content-type')?.startsWith('text/event-stream')) await res.body?.cancel();
      }
    }
  });

  it('answers missing, malformed, unknown and revoked keys with one identical 401', async () => {
    const created = (await (
      await f.req('/api/v1/keys', { method: 'POST', body: { scope: 'read', name: 'tmp' } })
    ).json()) as {
      id: string;
      key: string;
    };
    assert.equal((await f.req('/api/v1/jobs', { key: created.key })).status, 200);
    assert.equal((await f.req(`/api/v1/keys/${created.id}`, { method: 'DELETE' })).status, 204);

    const variants: Record<string, Record<string, string>> = {
      missing: {},
      'not bearer': { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
      malformed: { authorization: 'Bearer lr_nothex_zzz' },
      'empty bearer': { authorization: 'Bearer ' },
      unknown: { authorization: `Bearer lr_00000000_${'0'.repeat(64)}` },
      revoked: { authorization: `Bearer ${created.key}` },
    };
    const bodies = new Set<string>();
    for (const [name, headers] of Object.entries(variants)) {
      const res = await f.app.request('/api/v1/jobs', { headers });
      assert.equal(res.status, 401, name);
      bodies.add(await res.text());
    }
    assert.equal(bodies.size, 1, `one body for all: ${[...bodies].join(' | ')}`);
  });

  it('honours a revocation made by another process within the key cache time', async () => {
    const g = await apiFixture({ keyCacheMs: 300 });
    const peer = await g.openPeerStore();
    try {
      const { key, record } = await createApiKey(g.store, { workspace: 'default', scope: 'read' });
      const lookup = g.store.apiKeyFindByHash.bind(g.store);
      let lookups = 0;
      g.store.apiKeyFindByHash = (p) => {
        lookups++;
        return lookup(p);
      };
      for (let i = 0; i < 3; i++) assert.equal((await g.req('/api/v1/jobs', { key })).status, 200);
      assert.equal(lookups, 1, 'a key that checked out is not looked up again within the cache time');
      assert.equal(await peer.apiKeyRevoke({ id: record.id }), true);
      const revokedAt = performance.now();
      let status = 200;
      while (status === 200 && performance.now() - revokedAt < 5_000) {
        status = (await g.req('/api/v1/jobs', { key })).status;
        if (status === 200) await new Promise((r) => setTimeout(r, 20));
      }
      assert.equal(status, 401);
      // Generous bound: the cache time plus scheduling slack on a loaded machine.
      assert.ok(performance.now() - revokedAt < 2_000, 'revocation took effect within the cache time');
    } finally {
      await peer.close();
      await g.close();
    }
  });

  it('decides on a constant-time comparison of the stored hash, not on the lookup alone', async () => {
    const g = await apiFixture({ keyCacheMs: 0 });
    try {
      const { key } = await createApiKey(g.store, { workspace: 'default', scope: 'read' });
      const lookup = g.store.apiKeyFindByHash.bind(g.store);
      // A store that matched the wrong row (a collation bug, say) must not let the request in.
      g.store.apiKeyFindByHash = async (p) => {
        const found = await lookup(p);
        return found && { ...found, hash: '0'.repeat(64) };
      };
      assert.equal((await g.req('/api/v1/jobs', { key })).status, 401);
      g.store.apiKeyFindByHash = lookup;
      assert.equal((await g.req('/api/v1/jobs', { key })).status, 200);
    } finally {
      await g.close();
    }
  });

  it('looks a key up on every request with keyCacheMs 0', async () => {
    const g = await apiFixture({ keyCacheMs: 0 });
    const peer = await g.openPeerStore();
    try {
      const { key, record } = await createApiKey(g.store, { workspace: 'default', scope: 'read' });
      assert.equal((await g.req('/api/v1/jobs', { key })).status, 200);
      await peer.apiKeyRevoke({ id: record.id });
      // Another connection's commit is visible from the next turn of the event loop (SQLite reads
      // share a snapshot per turn: store/sqlite/read-snapshot.ts).
      await new Promise((r) => setImmediate(r));
      assert.equal((await g.req('/api/v1/jobs', { key })).status, 401);
    } finally {
      await peer.close();
      await g.close();
    }
  });

  it("records a key's last use (at most once a minute per server)", async () => {
    const created = (await (
      await f.req('/api/v1/keys', { method: 'POST', body: { scope: 'read', name: 'used' } })
    ).json()) as { id: string; key: string; lastUsedAt: number | null };
    assert.equal(created.lastUsedAt, null);
    const before = Date.now();
    assert.equal((await f.req('/api/v1/jobs', { key: created.key })).status, 200);
    // The touch does not hold up the request; on PostgreSQL it may commit a moment later.
    const used = await waitFor('lastUsedAt to be recorded', async () => {
      const keys = (await (await f.req('/api/v1/keys')).json()) as {
        id: string;
        lastUsedAt: number | null;
      }[];
      return keys.find((k) => k.id === created.id && k.lastUsedAt !== null);
    });
    assert.ok(used.lastUsedAt && used.lastUsedAt >= before - 1_000, JSON.stringify(used));
  });

  it('stores only hashes and never shows a secret after creation', async () => {
    const res = await f.req('/api/v1/keys', { method: 'POST', body: { scope: 'write', name: 'ci' } });
    assert.equal(res.status, 201);
    const created = (await res.json()) as {
      id: string;
      key: string;
      prefix: string;
      scope: string;
      workspace: string;
    };
    assert.match(created.key, /^lr_[0-9a-f]{8}_[0-9a-f]{64}$/);
    assert.equal(created.key.slice(3, 11), created.prefix);
    assert.equal(created.workspace, 'default');
    const stored = await f.store.apiKeyFindByHash({ hash: hashKey(created.key) });
    assert.equal(stored?.id, created.id);
    const listed = await (await f.req('/api/v1/keys')).text();
    assert.ok(!listed.includes(created.key.slice(12)), 'the secret is not listed');
    assert.ok(listed.includes(created.id));
  });

  it('keeps workspaces apart: keys, jobs, lists, events and stats', async () => {
    const mine = (await (await f.req('/api/v1/keys')).json()) as { id: string; workspace: string }[];
    const theirs = (await (await f.req('/api/v1/keys', { key: f.keys.other })).json()) as {
      id: string;
      workspace: string;
    }[];
    assert.ok(mine.every((k) => k.workspace === 'default'));
    assert.deepEqual(
      theirs.map((k) => k.workspace),
      ['other'],
    );
    const del = await f.req(`/api/v1/keys/${mine[0]!.id}`, { method: 'DELETE', key: f.keys.other });
    assert.equal(del.status, 404, "another workspace's key is not found");
    assert.deepEqual(await (await f.req('/api/v1/jobs', { key: f.keys.other })).json(), []);
    assert.equal((await f.req(`/api/v1/jobs/${jobId}/events`, { key: f.keys.other })).status, 404);
    assert.equal((await f.req(`/api/v1/jobs/${jobId}/logs`, { key: f.keys.other })).status, 404);
    assert.equal((await f.req(`/api/v1/jobs/${jobId}/items`, { key: f.keys.other })).status, 404);
    const stats = (await (await f.req('/api/v1/stats', { key: f.keys.other })).json()) as { total: number };
    assert.equal(stats.total, 0);
    // The workspace stream of another workspace sees nothing of ours: after one of our jobs and
    // then one of theirs, the first event it receives is theirs.
    const sse = sseReader(await f.req('/api/v1/events', { key: f.keys.other }));
    assert.equal(
      (await f.req('/api/v1/jobs', { method: 'POST', body: { type: 'test.idle', input: {} } })).status,
      201,
    );
    const theirs2 = await f.req('/api/v1/jobs', {
      method: 'POST',
      key: f.keys.other,
      body: { type: 'test.quick', input: {} },
    });
    const theirJob = (await theirs2.json()) as { id: string };
    const first = await sse.next();
    assert.equal(first?.data.jobId, theirJob.id, 'the first event it sees is its own');
    assert.equal(first?.data.type, 'test.quick');
    await sse.cancel();
  });
});

describe('rate limit', () => {
  let f: ApiFixture;
  let now = 1_000_000;
  before(async () => {
    f = await apiFixture({ rateLimit: { perMinute: 60, burst: 5, now: () => now } });
  });
  after(() => f.close());

  it('answers 429 with Retry-After once the bucket is empty, per key, and refills over time', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await f.req('/api/v1/jobs', { key: f.keys.read });
      assert.equal(res.status, 200, `request ${i + 1} within the burst`);
      assert.equal(res.headers.get('x-ratelimit-remaining'), String(4 - i));
    }
    const limited = await f.req('/api/v1/jobs', { key: f.keys.read });
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '1');
    const body = (await limited.json()) as { error: { code: string } };
    assert.equal(body.error.code, 'rate_limited');
    assert.equal(
      (await f.req('/api/v1/jobs', { key: f.keys.write })).status,
      200,
      'another key has its own bucket',
    );
    assert.equal((await f.req('/healthz', { key: null })).status, 200, 'health checks are not limited');
    now += 1_000; // one token per second at 60/min
    assert.equal((await f.req('/api/v1/jobs', { key: f.keys.read })).status, 200);
    assert.equal((await f.req('/api/v1/jobs', { key: f.keys.read })).status, 429);
    now += 60_000;
    for (let i = 0; i < 5; i++) assert.equal((await f.req('/api/v1/jobs', { key: f.keys.read })).status, 200);
    assert.equal(
      (await f.req('/api/v1/jobs', { key: f.keys.read })).status,
      429,
      'refill is capped at the burst',
    );
  });

  it('is on by default: 1,200/min with bursts of 200', async () => {
    const d = await apiFixture({ rateLimit: undefined });
    try {
      let status = 0;
      let n = 0;
      while (n < 1_000 && status !== 429) {
        status = (await d.req('/api/v1/stats', { key: d.keys.read })).status;
        n++;
      }
      // The burst (200) plus whatever refilled during the loop at 20 tokens/s.
      assert.equal(status, 429, 'limited at all');
      assert.ok(n > 200, `the burst allows 200 at once (limited after ${n})`);
    } finally {
      await d.close();
    }
  });
});
