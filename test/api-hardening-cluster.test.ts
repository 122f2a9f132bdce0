/**
 * Revocation under `longrun serve --http-processes 2`, as a user runs it: the event streams a key
 * holds in either HTTP process end within 1 s of its revoke, whether the revoke went through the
 * API (one of the processes), straight into the store from another handle, or through
 * `longrun keys revoke`; and plain requests with the key, on the Hono path and the direct
 * `GET /api/v1/jobs/:id` path alike, are refused from 1 s after the revoke on. Every request and
 * stream uses a connection of its own, so the cluster hands them to the processes in turn.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createSqliteStore } from '../src/store/sqlite/index.ts';
import type { Store } from '../src/store/types.ts';
import { bearer, send } from './api-hardening-helpers.ts';
import { cli, type Server, startServe } from './cli-helpers.ts';
import { tempDir } from './helpers.ts';

interface OpenStream {
  /** Resolves when the server ended the stream: when, and everything it sent. */
  ended: Promise<{ at: number; text: string }>;
  destroy(): void;
}

function openStream(url: string, key: string): Promise<OpenStream> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${url}/api/v1/events`, { agent: false, headers: bearer(key) }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`stream answered ${res.statusCode}`));
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      const ended = new Promise<{ at: number; text: string }>((done) => {
        res.on('close', () => done({ at: Date.now(), text }));
      });
      resolve({ ended, destroy: () => req.destroy() });
    });
    req.on('error', reject);
  });
}

const sleepUntil = (at: number) => new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));

describe('revocation under longrun serve --http-processes 2', () => {
  const tmp = tempDir();
  const db = join(tmp.dir, 'revoke.db');
  let server: Server;
  let jobId: string;
  let peer: Store;

  const createKey = async (name: string) => {
    const res = await send(server.url, '/api/v1/keys', {
      method: 'POST',
      headers: { ...bearer(server.key!), 'content-type': 'application/json' },
      body: JSON.stringify({ scope: 'read', name }),
    });
    assert.equal(res.status, 201, res.body);
    return JSON.parse(res.body) as { id: string; key: string };
  };

  /** Six streams on six connections: both processes hold some. */
  const openSix = async (key: string) => {
    const streams: OpenStream[] = [];
    for (let i = 0; i < 6; i++) streams.push(await openStream(server.url, key));
    return streams;
  };

  const assertAllEndedBy = async (streams: OpenStream[], deadline: number, what: string) => {
    for (const s of streams) {
      const { at, text } = await s.ended;
      assert.ok(at <= deadline, `${what}: a stream ended ${at - deadline} ms past the deadline`);
      assert.match(text, /event: error\ndata: \{"code":"unauthorized"/, 'it says why');
    }
  };

  before(async () => {
    server = await startServe(db, ['--http-processes', '2']);
    const res = await send(server.url, '/api/v1/jobs', {
      method: 'POST',
      headers: { ...bearer(server.key!), 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'test.slow', input: { items: 1, itemMs: 1 } }),
    });
    assert.equal(res.status, 201, res.body);
    jobId = (JSON.parse(res.body) as { id: string }).id;
    peer = await createSqliteStore({ path: db });
  });
  after(async () => {
    await peer?.close();
    if (server.proc.exitCode === null) server.proc.kill('SIGKILL');
    tmp.cleanup();
  });

  it('ends streams in both processes within 1 s of a revoke through the API', {
    timeout: 60_000,
  }, async () => {
    const { id, key } = await createKey('api-revoked');
    const streams = await openSix(key);
    const res = await send(server.url, `/api/v1/keys/${id}`, {
      method: 'DELETE',
      headers: bearer(server.key!),
    });
    assert.equal(res.status, 204);
    await assertAllEndedBy(streams, Date.now() + 1_000, 'API revoke');
  });

  it('ends streams and refuses requests on every path within 1 s of a revoke written to the store', {
    timeout: 60_000,
  }, async () => {
    const { id, key } = await createKey('store-revoked');
    const streams = await openSix(key);
    const paths = [`/api/v1/jobs/${jobId}`, '/api/v1/jobs?limit=1'];
    // Both processes serve the key from their caches (the job by id on the direct path) right up
    // to the revoke.
    for (let i = 0; i < 8; i++) {
      const res = await send(server.url, paths[i % 2]!, { headers: bearer(key) });
      assert.equal(res.status, 200, res.body);
    }
    assert.equal(await peer.apiKeyRevoke({ id }), true);
    const revokedAt = Date.now();
    await assertAllEndedBy(streams, revokedAt + 1_000, 'store revoke');
    // Past the key cache's second (plus the few ms a SQLite read snapshot may lag), no process
    // and no path serves it.
    await sleepUntil(revokedAt + 1_050);
    for (let i = 0; i < 8; i++) {
      const res = await send(server.url, paths[i % 2]!, { headers: bearer(key) });
      assert.equal(res.status, 401, `${paths[i % 2]}: ${res.body}`);
    }
  });

  it('asks every process for an admin key on /metrics, and still sums them', {
    timeout: 60_000,
  }, async () => {
    for (let i = 0; i < 4; i++) {
      assert.equal((await send(server.url, '/metrics')).status, 401);
      const res = await send(server.url, '/metrics', { headers: bearer(server.key!) });
      assert.equal(res.status, 200);
      const series = [...res.body.matchAll(/^longrun_jobs\{[^}]*\}/gm)].map((m) => m[0]);
      assert.ok(series.length > 0, 'the job series, from the primary');
      assert.equal(new Set(series).size, series.length, 'once each');
    }
  });

  it('ends streams within 1 s of `longrun keys revoke`', { timeout: 60_000 }, async () => {
    const { id, key } = await createKey('cli-revoked');
    const streams = await openSix(key);
    const res = await cli(['keys', 'revoke', id, '--db', db]);
    assert.equal(res.code, 0, res.stderr);
    // The revoke committed before the command exited; the streams end within 1 s of that commit.
    await assertAllEndedBy(streams, Date.now() + 1_000, 'CLI revoke');
  });
});
