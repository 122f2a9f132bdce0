/**
 * Faults of worker processes: killed, frozen, stopped politely, skewed clocks, and a poison job
 * that kills whichever worker runs it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { LEASE_MS, type Proc } from '../env.ts';
import { randomInt } from '../random.ts';
import type { Scenario } from './types.ts';

const ITEMS = { items: 20, itemMs: 10 };

export const kill9: Scenario = {
  name: 'kill -9 worker',
  stores: ['sqlite', 'postgres'],
  about: 'SIGKILL of a random worker at a random moment, replaced at once; 20 rounds (3 with --quick)',
  async run({ env, random, quick }) {
    const workers: Proc[] = await Promise.all(
      [1, 2].map(() => env.ready(env.startWorker({ concurrency: 10 }))),
    );
    // About a second per job and 20 at once: work outlasts the rounds (about 0.85 s apart).
    await env.enqueue(quick ? 60 : 400, { items: 40, itemMs: 25 });
    for (let round = 0; round < (quick ? 3 : 20); round++) {
      await sleep(randomInt(random, 200, 1_500));
      const i = randomInt(random, 0, workers.length - 1);
      const victim = workers[i];
      if (!victim) continue;
      await env.kill(victim, 'SIGKILL');
      workers[i] = await env.ready(env.startWorker({ concurrency: 10 }));
    }
  },
};

export const sigstop: Scenario = {
  name: 'SIGSTOP past the lease',
  stores: ['sqlite', 'postgres'],
  about:
    'a worker frozen with SIGSTOP for the lease plus 3 s, then SIGCONT: its late writes must change nothing',
  async run({ env }) {
    const frozen = await env.ready(env.startWorker({ concurrency: 10 }));
    await env.enqueue(30, { items: 30, itemMs: 20 });
    await sleep(300);
    await env.ready(env.startWorker({ concurrency: 10 }));
    await env.kill(frozen, 'SIGSTOP');
    await sleep(LEASE_MS + 3_000);
    env.record({ kind: 'fault', what: `SIGCONT ${frozen.pid}` });
    frozen.proc.kill('SIGCONT');
  },
};

export const sigterm: Scenario = {
  name: 'SIGTERM, 50 in flight',
  stores: ['sqlite', 'postgres'],
  about: 'SIGTERM to a worker running 50 jobs: it drains or releases them all and leaves none running',
  async run({ env }) {
    const w = await env.ready(env.startWorker({ concurrency: 50, graceMs: 1_000 }));
    await env.enqueue(50, { items: 40, itemMs: 50 });
    await waitRunning(env, 50);
    await env.kill(w, 'SIGTERM');
    const running = await runningCount(env);
    if (running > 0) env.violations.push(`${running} jobs still running after the worker exited on SIGTERM`);
    env.startWorker({ concurrency: 50 });
  },
};

export const clockSkew: Scenario = {
  name: 'clock skew ±10 min',
  stores: ['sqlite', 'postgres'],
  about: "two workers whose clocks run 10 minutes fast and 10 minutes slow: the database's clock decides",
  async run({ env }) {
    env.startWorker({ concurrency: 10, skewMs: 600_000 });
    env.startWorker({ concurrency: 10, skewMs: -600_000 });
    env.fault('clock skew');
    await env.enqueue(100, ITEMS);
  },
};

export const poison: Scenario = {
  name: 'poison job',
  stores: ['sqlite', 'postgres'],
  about: 'a job that SIGKILLs its worker on every attempt ends failed with its crash history; others finish',
  async run({ env }) {
    const ids = await env.enqueue(2, {}, 'soak.poison');
    await env.enqueue(30, ITEMS);
    // A supervisor, as systemd or Kubernetes would be: a dead worker is replaced.
    let live = await env.ready(env.startWorker({ concurrency: 5 }));
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && (await env.unfinished()) > 0) {
      if (live.proc.exitCode !== null || live.proc.signalCode !== null) {
        env.fault(`worker ${live.pid} died`);
        live = env.startWorker({ concurrency: 5 });
      }
      await sleep(100);
    }
    for (const id of ids) {
      const job = await env.store.jobGet({ workspaceId: 'default', id });
      const attempts = await env.store.attemptList({ jobId: id });
      if (job?.job.status !== 'failed')
        env.violations.push(`poison ${id} ended ${job?.job.status}, not failed`);
      if (attempts.length !== 3 || attempts.some((a) => a.outcome !== 'crashed'))
        env.violations.push(
          `poison ${id}: attempts ${attempts.map((a) => a.outcome).join(',')}, not 3 crashed`,
        );
    }
  },
};

async function runningCount(env: { store: import('../../src/index.ts').Store }): Promise<number> {
  const counts = await env.store.jobCounts({ workspaceId: 'default' });
  return counts.filter((c) => c.status === 'running').reduce((s, c) => s + c.count, 0);
}

async function waitRunning(env: { store: import('../../src/index.ts').Store }, n: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  while ((await runningCount(env)) < n && Date.now() < deadline) await sleep(50);
}
