/**
 * PostgreSQL-only faults: the network to the database (a blackhole, through soak/proxy.ts), the
 * server restarting, backends killed under the workers, and the pool held by a slow query.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { adminQuery, LEASE_MS, type SoakEnv, waitUntil } from '../env.ts';
import { randomInt } from '../random.ts';
import type { Scenario } from './types.ts';

const LONG = { items: 40, itemMs: 25 };

/**
 * One worker behind the proxy and one that reaches PostgreSQL directly: while the first is cut off,
 * the second reaps its expired leases and takes its jobs over; once the path heals, everything the
 * first sends late (held bytes, retried writes) must be fenced off.
 */
function blackhole(label: string, ms: number, fullOnly = false): Scenario {
  return {
    name: `blackhole ${label}`,
    stores: ['postgres'],
    fullOnly,
    about: `every connection between a worker and PostgreSQL silently drops packets for ${label}, then heals`,
    async run({ env }) {
      const proxy = env.proxy;
      if (!proxy) throw new Error('blackhole needs the proxy');
      const cut = await env.ready(env.startWorker({ concurrency: 20 }));
      await env.enqueue(60, LONG);
      await sleep(500);
      env.startWorker({ concurrency: 20, direct: true });
      const t = Date.now();
      proxy.blackhole();
      env.fault(`blackhole for ${ms} ms`);
      await sleep(ms);
      proxy.heal();
      env.record({ kind: 'fault', what: `healed after ${Date.now() - t} ms` });
      await env.enqueue(40, LONG);
      // The cut-off worker must come back to work, not only stop doing harm.
      await expectWorking(env, cut.pid);
    },
  };
}

export const blackhole5s = blackhole('5 s', 5_000);
export const blackholeLease = blackhole('lease + 10 s', LEASE_MS + 10_000, true);
export const blackhole30s = blackhole('30 s', 30_000, true);

export const pgRestart: Scenario = {
  name: 'PostgreSQL restart',
  stores: ['postgres'],
  // The server restarts under every other PostgreSQL scenario's connections too.
  exclusive: true,
  about: '`pg_ctlcluster restart` while an API and two workers run; both must carry on without help',
  async run({ env }) {
    const api = await env.startApi({ workers: 0 });
    const workers = await Promise.all([1, 2].map(() => env.ready(env.startWorker({ concurrency: 20 }))));
    await env.enqueue(60, LONG);
    await sleep(1_000);
    env.fault('PostgreSQL restart');
    restartPostgres();
    await env.enqueue(40, LONG);
    for (const w of workers) await expectWorking(env, w.pid);
    const res = await fetch(`${api.url}/api/v1/jobs?limit=1`, {
      headers: { authorization: `Bearer ${api.key}` },
    });
    if (res.status !== 200) env.violations.push(`the API answered ${res.status} after the restart`);
  },
};

export const backendKills: Scenario = {
  name: 'pg_terminate_backend',
  stores: ['postgres'],
  about: "one of the workers' PostgreSQL backends terminated every 300 ms for 5 s (20 s in full)",
  async run({ env, random, quick }) {
    await Promise.all([1, 2].map(() => env.ready(env.startWorker({ concurrency: 20, direct: true }))));
    await env.enqueue(quick ? 150 : 600, LONG);
    const until = Date.now() + (quick ? 5_000 : 20_000);
    while (Date.now() < until) {
      await sleep(300);
      const { rows } = await adminQuery(
        `SELECT pid FROM pg_stat_activity WHERE application_name = '${env.schema}'`,
      );
      const victim = rows[randomInt(random, 0, rows.length - 1)] as { pid: number } | undefined;
      if (!victim) continue;
      env.fault(`pg_terminate_backend(${victim.pid})`);
      await adminQuery(`SELECT pg_terminate_backend(${victim.pid})`);
    }
  },
};

export const poolExhaustion: Scenario = {
  name: 'pool held by a slow query',
  stores: ['postgres'],
  about:
    'a transaction holds an exclusive lock on the jobs table past the lease: every pooled connection waits behind it',
  async run({ env }) {
    await Promise.all([1, 2].map(() => env.ready(env.startWorker({ concurrency: 20, direct: true }))));
    await env.enqueue(100, LONG);
    await sleep(1_000);
    env.fault('jobs table locked');
    await adminQuery(
      `BEGIN; LOCK TABLE "${env.schema}".jobs IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(${(LEASE_MS + 3_000) / 1000}); COMMIT`,
    );
    env.record({ kind: 'fault', what: 'jobs table unlocked' });
    await env.enqueue(40, LONG);
  },
};

/** The local cluster (Debian's layout: one version under /etc/postgresql, cluster `main`). */
function restartPostgres(): void {
  const version = process.env.LONGRUN_SOAK_PG_VERSION ?? readdirSync('/etc/postgresql')[0] ?? '15';
  // --skip-systemctl-redirect: CI machines run PostgreSQL without systemd.
  execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'restart', '--mode', 'fast'], {
    stdio: 'ignore',
  });
}

/** The worker `pid` starts an item after now: it is working again, not merely alive. */
async function expectWorking(env: SoakEnv, pid: number): Promise<void> {
  const since = Date.now();
  const ok = await waitUntil(30_000, () => {
    const seen = env.itemsStartedBy(pid, since);
    return seen > 0 ? true : undefined;
  });
  if (!ok) env.violations.push(`worker ${pid} started no item within 30 s after the fault`);
}
