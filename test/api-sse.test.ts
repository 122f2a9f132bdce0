/**
 * Server-Sent Events: the job stream (snapshot, ordered ids, end after the terminal status, also
 * for a job cancelled while running), resume with Last-Event-ID exactly once over a real socket,
 * progress coalescing, heartbeats, the workspace stream with filters, events written by another
 * process (polling fallback), and shutdown closing streams.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../src/api/app.ts';
import { LongrunClient, type StreamEvent } from '../src/client/index.ts';
import { createLongrun } from '../src/engine/longrun.ts';
import { type ApiFixture, apiFixture, apiTestJobs, gate, listen, sseReader } from './api-helpers.ts';
import { waitFor } from './helpers.ts';

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

// Every test has a deadline: a stream that never delivers must fail the test, not hang the run.
describe('job event stream', () => {
  let f: ApiFixture;
  before(async () => {
    f = await apiFixture({ workers: true, sse: { pollMs: 50 } });
  });
  after(() => f.close());

  it('sends a snapshot, then step/progress/log/status events with increasing ids, then ends', {
    timeout: 30_000,
  }, async () => {
    const { job } = await f.longrun.enqueue('test.stepped', { gate: 'sse-basic', items: 3 });
    await waitFor(
      'the job to start',
      async () => (await f.longrun.getJob(job.id, { logLimit: 0 })).status === 'running',
    );
    const sse = sseReader(await f.req(`/api/v1/jobs/${job.id}/events`, { key: f.keys.read }));
    const snapshot = await sse.next();
    assert.equal(snapshot?.event, 'snapshot');
    assert.equal(snapshot?.data.id, job.id);
    assert.equal(snapshot?.data.status, 'running');
    assert.ok(Array.isArray(snapshot?.data.logs));
    gate('sse-basic').allow(3);
    const events = await sse.all();
    const end = events.pop();
    assert.equal(end?.event, 'end');
    const kinds = new Set(events.map((e) => e.event));
    for (const k of ['step', 'progress', 'log', 'status']) assert.ok(kinds.has(k), `saw a ${k} event`);
    const ids = events.map((e) => e.id!);
    assert.ok(
      ids.every((id, i) => i === 0 || id > ids[i - 1]!),
      'ids increase',
    );
    assert.ok(ids[0]! > snapshot!.id!, 'events continue after the snapshot id');
    const last = events[events.length - 1]!;
    assert.equal(last.event, 'status');
    assert.equal(last.data.status, 'completed');
    const progress = events.filter((e) => e.event === 'progress').pop();
    assert.deepEqual([progress?.data.total, progress?.data.completed], [3, 3]);
    const logs = events.filter((e) => e.event === 'log').map((e) => e.data.message);
    assert.deepEqual(logs, ['item 0', 'item 1', 'item 2']);
  });

  it('ends a finished job at once: snapshot, end', { timeout: 30_000 }, async () => {
    const { job } = await f.longrun.enqueue('test.quick', {});
    await waitFor('done', async () => (await f.longrun.getJob(job.id, { logLimit: 0 })).completedAt !== null);
    const events = await sseReader(await f.req(`/api/v1/jobs/${job.id}/events`)).all();
    assert.deepEqual(
      events.map((e) => e.event),
      ['snapshot', 'end'],
    );
    assert.equal(events[0]!.data.status, 'completed');
    assert.deepEqual(
      (events[0]!.data.logs as { message: string }[]).map((l) => l.message),
      ['quick'],
    );
  });

  it('keeps a job cancelled while running open until its worker has stopped', {
    timeout: 30_000,
  }, async () => {
    const { job } = await f.longrun.enqueue('test.stepped', { gate: 'sse-cancel', items: 5 });
    gate('sse-cancel').allow(1);
    await waitFor(
      'one item done',
      async () => (await f.longrun.getJob(job.id, { logLimit: 0 })).progress.completed === 1,
    );
    const sse = sseReader(await f.req(`/api/v1/jobs/${job.id}/events`));
    assert.equal((await sse.next())?.event, 'snapshot');
    assert.equal((await f.req(`/api/v1/jobs/${job.id}/cancel`, { method: 'POST' })).status, 200);
    const cancelled = await sse.next();
    assert.equal(cancelled?.event, 'status');
    assert.equal(cancelled?.data.status, 'cancelled');
    assert.equal(cancelled?.data.completedAt, null, 'the worker is still finishing its item');
    gate('sse-cancel').allow(10);
    const rest = await sse.all();
    assert.equal(rest.pop()?.event, 'end');
    const final = rest.pop();
    assert.equal(final?.event, 'status');
    assert.equal(final?.data.status, 'cancelled');
    assert.equal(typeof final?.data.completedAt, 'number');
    const stored = await f.longrun.getJob(job.id);
    assert.equal(stored.completedAt, final?.data.completedAt);
  });

  it('resumes with Last-Event-ID after a disconnect and sees every event exactly once (real socket, client)', {
    timeout: 30_000,
  }, async () => {
    const server = await listen(f.app);
    const client = new LongrunClient({ url: server.url, key: f.keys.read });
    try {
      const { job } = await f.longrun.enqueue('test.stepped', { gate: 'sse-resume', items: 40, fail: [7] });
      const received: StreamEvent[] = [];
      let snapshotId = 0;
      for await (const e of client.jobEvents(job.id)) {
        if (e.event === 'snapshot') {
          snapshotId = e.id!;
          gate('sse-resume').allow(10); // work starts once we listen
        } else received.push(e);
        if (received.filter((x) => x.event === 'log').length >= 5) break; // disconnects
      }
      const lastSeen = received[received.length - 1]!.id!;
      // Work happens while nobody listens.
      gate('sse-resume').allow(40);
      await waitFor(
        'the job to finish',
        async () => (await f.longrun.getJob(job.id, { logLimit: 0 })).completedAt !== null,
      );
      for await (const e of client.jobEvents(job.id, { lastEventId: lastSeen })) {
        assert.notEqual(e.event, 'snapshot', 'a resumed stream has no snapshot');
        if (e.event !== 'end') received.push(e);
      }
      const ids = received.map((e) => e.id!);
      assert.equal(new Set(ids).size, ids.length, 'no event twice');
      assert.ok(
        ids.every((id, i) => i === 0 || id > ids[i - 1]!),
        'in order',
      );
      const stored = await f.longrun.events({ jobId: job.id, after: snapshotId, limit: 10_000 });
      const storedIds = new Set(stored.map((e) => e.id));
      assert.ok(
        ids.every((id) => storedIds.has(id)),
        'only real events',
      );
      // Every status, step and log event exactly once; progress may be coalesced to the latest.
      const essential = (es: { id: number | null; event?: string; kind?: string }[]) =>
        es.filter((e) => (e.event ?? e.kind) !== 'progress').map((e) => e.id);
      assert.deepEqual(essential(received), essential(stored));
      assert.equal(received.filter((e) => e.event === 'log').length, 41, '40 item lines + the failed item');
      const lastProgress = received.filter((e) => e.event === 'progress').pop();
      assert.deepEqual([lastProgress?.data.completed, lastProgress?.data.failed], [39, 1]);
    } finally {
      await server.close();
    }
  });

  it('coalesces progress to about 10 events per second per job', { timeout: 30_000 }, async () => {
    const c = await apiFixture({ sse: { pollMs: 50 } });
    try {
      c.longrun.start({ concurrency: 2, pollIntervalMs: 20, flushIntervalMs: 5 });
      const { job } = await c.longrun.enqueue('test.chatty', { ms: 1_500 });
      const started = Date.now();
      const events = await sseReader(await c.req(`/api/v1/jobs/${job.id}/events`)).all();
      const seconds = (Date.now() - started) / 1000;
      const sent = events.filter((e) => e.event === 'progress').length;
      const stored = (await c.longrun.events({ jobId: job.id, after: 0, limit: 100_000 })).filter(
        (e) => e.kind === 'progress',
      ).length;
      assert.ok(sent <= Math.ceil(seconds * 10) + 2, `${sent} progress events in ${seconds.toFixed(2)} s`);
      assert.ok(stored > sent * 2, `the store had ${stored}, clients got ${sent}`);
      const last = events.filter((e) => e.event === 'progress').pop();
      const final = await c.longrun.getJob(job.id, { logLimit: 0 });
      assert.equal(last?.data.completed, final.progress.completed, 'the latest value always arrives');
    } finally {
      await c.close();
    }
  });

  it('sends comment heartbeats at the configured interval', { timeout: 30_000 }, async () => {
    const h = await apiFixture({ sse: { heartbeatMs: 30 } });
    try {
      const { job } = await h.longrun.enqueue('test.idle', {});
      const sse = sseReader(await h.req(`/api/v1/jobs/${job.id}/events`));
      assert.equal((await sse.next())?.event, 'snapshot');
      assert.match(await sse.nextComment(), /heartbeat/);
      await sse.cancel();
    } finally {
      await h.close();
    }
  });
});

describe('workspace event stream', () => {
  let f: ApiFixture;
  before(async () => {
    f = await apiFixture({ workers: true, sse: { pollMs: 50 } });
  });
  after(() => f.close());

  it('streams changes of every job, filtered by category and status', { timeout: 30_000 }, async () => {
    const all = sseReader(await f.req('/api/v1/events'));
    const seo = sseReader(await f.req('/api/v1/events?category=seo'));
    const finished = sseReader(await f.req('/api/v1/events?status=completed,failed'));
    const quick = (await f.longrun.enqueue('test.quick', {})).job;
    const stepped = (await f.longrun.enqueue('test.stepped', { gate: 'ws', items: 1 })).job;
    gate('ws').allow(1);
    const failing = (await f.longrun.enqueue('test.failing', {})).job;

    const until = async (sse: ReturnType<typeof sseReader>, done: (seen: StreamEvent[]) => boolean) => {
      const seen: StreamEvent[] = [];
      while (!done(seen)) seen.push((await sse.next())!);
      await sse.cancel();
      return seen;
    };
    const isEnd = (id: string) => (seen: StreamEvent[]) =>
      seen.some((e) => e.data.jobId === id && e.event === 'status' && TERMINAL.has(String(e.data.status)));

    const a = await until(all, (s) => [quick.id, stepped.id, failing.id].every((id) => isEnd(id)(s)));
    assert.ok(
      a.every((e) => e.event !== 'log'),
      'no log lines on the workspace stream',
    );
    assert.ok(a.some((e) => e.data.jobId === stepped.id && e.event === 'progress'));
    for (const e of a) assert.ok(typeof e.data.category === 'string' && typeof e.data.name === 'string');

    const s = await until(seo, isEnd(stepped.id));
    assert.ok(
      s.length > 0 && s.every((e) => e.data.category === 'seo'),
      JSON.stringify(s.map((e) => e.data.category)),
    );

    const fin = await until(
      finished,
      (seen) => isEnd(failing.id)(seen) && isEnd(quick.id)(seen) && isEnd(stepped.id)(seen),
    );
    assert.ok(
      fin.every((e) => e.event === 'status' && ['completed', 'failed'].includes(String(e.data.status))),
      JSON.stringify(fin),
    );
    assert.deepEqual(
      fin.map((e) => `${e.data.jobId === failing.id ? 'failing' : 'other'}:${e.data.status}`).sort(),
      ['failing:failed', 'other:completed', 'other:completed'],
    );
  });

  it('delivers events written by another process sharing the store (polling fallback)', {
    timeout: 30_000,
  }, async () => {
    // A second store on the same database: its writes notify only its own process, like another
    // server. (On PostgreSQL, LISTEN/NOTIFY may deliver it too; on SQLite only the poll does.)
    const other = await f.openPeerStore();
    const elsewhere = createLongrun({ store: other, jobs: apiTestJobs });
    try {
      const sse = sseReader(await f.req('/api/v1/events?category=export'));
      // Due in a minute, so this fixture's workers leave it pending until the cancel.
      const { job } = await elsewhere.enqueue('test.idle', { n: 42 }, { runAt: Date.now() + 60_000 });
      await elsewhere.cancel(job.id);
      const first = await sse.next();
      assert.equal(first?.data.jobId, job.id);
      const second = await sse.next();
      assert.equal(second?.data.status, 'cancelled');
      await sse.cancel();
    } finally {
      await other.close();
    }
  });

  it('closes every stream on shutdown and turns /readyz to 503', { timeout: 30_000 }, async () => {
    const shutdown = new AbortController();
    const app = createApp({ longrun: f.longrun, shutdown: shutdown.signal, rateLimit: false });
    // Due later, so nothing happens to it: its stream stays open until the shutdown.
    const { job } = await f.longrun.enqueue('test.idle', {}, { runAt: Date.now() + 60_000 });
    const headers = { authorization: `Bearer ${f.keys.read}` };
    const jobStream = sseReader(await app.request(`/api/v1/jobs/${job.id}/events`, { headers }));
    const wsStream = sseReader(await app.request('/api/v1/events', { headers }));
    assert.equal((await jobStream.next())?.event, 'snapshot');
    shutdown.abort();
    // Both end (whatever was already queued may still arrive), and the job stream without `end`:
    // the job is not over, so a client must reconnect elsewhere.
    const rest = await jobStream.all();
    assert.ok(
      rest.every((e) => e.event !== 'end'),
      JSON.stringify(rest),
    );
    await wsStream.all();
    const ready = await app.request('/readyz');
    assert.equal(ready.status, 503);
    assert.equal(((await ready.json()) as { error: { code: string } }).error.code, 'shutting_down');
  });
});
