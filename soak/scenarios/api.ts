/**
 * Faults seen from the HTTP API, driven through the public client (`LongrunClient`) as a user's
 * program would: cancels racing completions, `longrun serve` killed mid-enqueue, and event streams
 * held through a restart.
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { LongrunApiError, LongrunClient } from '../../src/client/index.ts';
import { freePort, type SoakEnv } from '../env.ts';
import { historyAppend } from '../history.ts';
import { randomInt } from '../random.ts';
import type { Scenario } from './types.ts';

export const cancelRaces: Scenario = {
  name: 'cancel vs complete',
  stores: ['sqlite', 'postgres'],
  about:
    '10,000 jobs (400 with --quick) each cancelled through the API at a random moment around its completion',
  async run({ env, random, quick }) {
    const api = await env.startApi();
    const client = new LongrunClient({ url: api.url, key: api.key });
    await Promise.all([1, 2].map(() => env.ready(env.startWorker({ concurrency: 50 }))));
    const total = quick ? 400 : 10_000;
    const outcomes = { cancelled: 0, tooLate: 0, refused: 0 };
    for (let done = 0; done < total; done += 200) {
      // Twenty items of 15 ms: a job runs about 300 ms, so a cancel 0–450 ms after enqueue lands
      // before the claim, mid-run, or just after the finish, and a worker that heard it only at
      // its heartbeat would still be starting items past the checker's delivery allowance.
      const ids = await env.enqueue(Math.min(200, total - done), { items: 20, itemMs: 15 });
      await Promise.all(
        ids.map(async (id) => {
          await sleep(randomInt(random, 0, 450));
          // As a client would, a cancel the store refused (503, the pool busy) is sent again; only an
          // acknowledged cancel is recorded and held to the rule.
          for (let tries = 0; ; tries++) {
            try {
              await client.cancelJob(id);
              env.record({ kind: 'cancel', jobId: id });
              outcomes.cancelled++;
            } catch (err) {
              const code = err instanceof LongrunApiError ? err.code : '';
              if (code === 'store_unavailable' && tries < 20) {
                outcomes.refused++;
                await sleep(100);
                continue;
              }
              if (code === 'job_not_cancellable') outcomes.tooLate++;
              else env.violations.push(`cancel ${id}: ${(err as Error).message}`);
            }
            break;
          }
        }),
      );
    }
    env.fault(
      `${outcomes.cancelled} cancels acknowledged, ${outcomes.tooLate} answered 409 (already over), ${outcomes.refused} refused with 503 and sent again`,
    );
  },
};

export const enqueueKill: Scenario = {
  name: 'kill -9 mid-enqueue',
  stores: ['sqlite'],
  about:
    'SIGKILL of `longrun serve` during 10,000 API enqueues (600 with --quick); then PRAGMA integrity_check and every acknowledged job present',
  async run({ env, random, quick }) {
    const total = quick ? 600 : 10_000;
    const killAt = randomInt(random, Math.floor(total * 0.3), Math.floor(total * 0.7));
    const CLIENTS = 16;
    let api = await env.startApi();
    let sent = 0;
    let acked = 0;
    const enqueueAll = async (url: string, key: string, stopAt: number) => {
      const client = new LongrunClient({ url, key });
      await Promise.all(
        Array.from({ length: CLIENTS }, async () => {
          while (sent < stopAt) {
            sent++;
            try {
              const { job } = await client.createJob({ type: 'soak.items', input: { items: 2, itemMs: 0 } });
              historyAppend(env.history, { kind: 'accepted', jobId: job.id });
              acked++;
            } catch (err) {
              // Only the kill may refuse a request: the client then sees the connection drop.
              if (!(err instanceof LongrunApiError && err.status === 0)) throw err;
              return;
            }
          }
        }),
      );
    };
    const first = enqueueAll(api.url, api.key, total);
    while (acked < killAt) await sleep(5);
    await env.kill(api, 'SIGKILL');
    await first;
    const ackedBeforeKill = acked;
    const db = new Database(join(env.dir, 'longrun.db'), { readonly: true });
    try {
      const check = db.pragma('integrity_check', { simple: true });
      if (check !== 'ok') env.violations.push(`PRAGMA integrity_check after the kill: ${String(check)}`);
      const rows = Number(db.prepare('SELECT count(*) AS n FROM jobs').pluck().get());
      // A request committed but not yet answered when the kill came is the only allowed surplus.
      if (rows < ackedBeforeKill || rows > ackedBeforeKill + CLIENTS)
        env.violations.push(`${rows} jobs in the file after the kill, ${ackedBeforeKill} acknowledged`);
    } finally {
      db.close();
    }
    env.fault(`killed at ${ackedBeforeKill} acknowledged enqueues`);
    api = await env.startApi({ port: Number(new URL(api.url).port) });
    sent = acked;
    await enqueueAll(api.url, api.key, total);
    await Promise.all([1, 2].map(() => env.ready(env.startWorker({ concurrency: 50 }))));
  },
};

export const streamsThroughRestart: Scenario = {
  name: '500 SSE streams, restart',
  stores: ['sqlite', 'postgres'],
  about:
    '500 job event streams (100 with --quick) held while `longrun serve` and a worker are SIGKILLed and restarted: each resumes with Last-Event-ID, nothing missed or repeated',
  async run({ env, random, quick }) {
    const port = await freePort();
    let api = await env.startApi({ port });
    let worker = await env.ready(env.startWorker({ concurrency: 100 }));
    const ids = await env.enqueue(quick ? 100 : 500, { items: 10, itemMs: 150, log: true });
    const client = new LongrunClient({ url: api.url, key: api.key });
    const streams = ids.map((id) => followJob(env, client, id));
    await sleep(randomInt(random, 800, 1_500));
    await Promise.all([env.kill(api, 'SIGKILL'), env.kill(worker, 'SIGKILL')]);
    api = await env.startApi({ port });
    worker = await env.ready(env.startWorker({ concurrency: 100 }));
    await Promise.all(streams);
  },
};

/** Reads one job's stream to its end and records what arrived, for the checker (stream-check.ts). */
async function followJob(env: SoakEnv, client: LongrunClient, jobId: string): Promise<void> {
  let from: number | null = null;
  const ids: number[] = [];
  let ended = false;
  try {
    for await (const e of client.jobEvents(jobId, { maxReconnects: 30 })) {
      if (e.event === 'snapshot') from = e.id;
      else if (e.event === 'end') ended = true;
      else if (e.id !== null) ids.push(e.id);
    }
  } catch (err) {
    env.violations.push(`stream of ${jobId}: ${(err as Error).message}`);
  }
  env.record({ kind: 'stream', jobId, from, ids, ended });
}
