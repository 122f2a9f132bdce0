/**
 * Faults of the store itself, injected into real workers by soak/faulty-store.ts: calls that fail
 * before reaching the database, and calls that commit and then report a dropped connection.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FaultPlan } from '../faulty-store.ts';
import type { Scenario, ScenarioContext } from './types.ts';

/** Every method a worker calls on its own; a fault in any of them must cost nothing. */
const WORKER_METHODS = ['jobClaim', 'jobHeartbeat', 'jobWrite', 'jobFinish', 'leaseReap'];

async function faultPeriod(c: ScenarioContext, mode: FaultPlan['mode'], rate: number): Promise<void> {
  const { env, seed, quick } = c;
  const switchFile = join(env.dir, 'faults-on');
  const workers = [1, 2].map((n) =>
    env.startWorker({
      concurrency: 20,
      faults: { seed: seed * 100 + n, rate, methods: WORKER_METHODS, mode, switchFile },
    }),
  );
  await Promise.all(workers.map((w) => env.ready(w)));
  // About a second per job, 40 at once: work runs through the whole fault period.
  await env.enqueue(quick ? 120 : 1_300, { items: 40, itemMs: 25 });
  writeFileSync(switchFile, '');
  env.fault(`store ${mode} faults on (${rate * 100}% of ${WORKER_METHODS.join(', ')})`);
  await sleep(quick ? 3_000 : 30_000);
  rmSync(switchFile);
  env.fault(`store ${mode} faults off`);
}

export const storeErrors: Scenario = {
  name: 'store errors 1%',
  stores: ['sqlite', 'postgres'],
  about: "1% of the workers' store calls fail before reaching the database, for 3 s (30 s in full)",
  run: (c) => faultPeriod(c, 'error', 0.01),
};

export const ambiguousCommit: Scenario = {
  name: 'ambiguous commit 1%',
  stores: ['sqlite', 'postgres'],
  about: "1% of the workers' store calls commit and then report a dropped connection, for 3 s (30 s in full)",
  run: (c) => faultPeriod(c, 'ambiguous', 0.01),
};
