/**
 * The load side of `npm run bench -- http`, run as its own process so it never shares the server's
 * event loop: autocannon for the closed-loop scenarios, bench/open-loop.ts for the paced ones. The
 * parent passes one `LoadConfig` in `LONGRUN_BENCH_LOAD` and reads `LoadResult[]` from stdout.
 */
import { spawn } from 'node:child_process';
import { openLoop } from './open-loop.ts';

export interface Scenario {
  name: string;
  method: 'GET' | 'POST';
  /** Rotated through by every connection. */
  paths: string[];
  body?: string;
  /** Open loop at this many requests per second (bench/open-loop.ts); closed loop without. */
  rate?: number;
}

export interface LoadConfig {
  url: string;
  key: string;
  connections: number;
  seconds: number;
  scenarios: Scenario[];
}

export interface LoadResult {
  name: string;
  requests: number;
  errors: number;
  rps: number;
  p50: number;
  p99: number;
  /** Open loop only (bench/open-loop.ts). */
  p99WithoutOwnStalls?: number;
  dueInOwnStall?: number;
}

async function runScenario(cfg: LoadConfig, s: Scenario): Promise<LoadResult> {
  const headers: Record<string, string> = { authorization: `Bearer ${cfg.key}` };
  if (s.rate !== undefined) {
    const r = await openLoop({ url: cfg.url, paths: s.paths, headers, rate: s.rate, seconds: cfg.seconds });
    return { name: s.name, ...r };
  }
  const { default: autocannon } = await import('autocannon');
  if (s.body) headers['content-type'] = 'application/json';
  const r = await autocannon({
    url: cfg.url,
    connections: cfg.connections,
    duration: cfg.seconds,
    requests: s.paths.map((path) => ({ method: s.method, path, headers, body: s.body })),
  });
  return {
    name: s.name,
    requests: r.requests.total,
    errors: r.errors + r.non2xx,
    rps: Math.round(r.requests.total / r.duration),
    p50: r.latency.p50,
    p99: r.latency.p99,
  };
}

async function loadProcessMain(): Promise<void> {
  const cfg = JSON.parse(process.env.LONGRUN_BENCH_LOAD!) as LoadConfig;
  const results: LoadResult[] = [];
  for (const s of cfg.scenarios) results.push(await runScenario(cfg, s));
  process.stdout.write(JSON.stringify(results));
}

export function runLoadProcess(cfg: LoadConfig): Promise<LoadResult[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename], {
      env: { ...process.env, LONGRUN_BENCH_LOAD: JSON.stringify(cfg) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`load process exited with ${code}`));
      else resolve(JSON.parse(out) as LoadResult[]);
    });
  });
}

if (process.env.LONGRUN_BENCH_LOAD) await loadProcessMain();
