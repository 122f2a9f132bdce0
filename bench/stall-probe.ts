/**
 * How much this machine takes away from a process that never yields: a spin loop on each CPU that
 * records every gap between two clock reads over 0.5 ms. On a shared virtual machine those gaps
 * (another tenant, the hypervisor, a system service) reach tens of milliseconds, and a p99 cannot be
 * lower than what they allow: a 40 ms gap at 8,000 req/s delays 320 requests, 1% of a 4 s run. The
 * HTTP bench prints these figures next to its latencies so a reader can tell the two apart.
 *
 * ```ts
 * const [cpu0, cpu1] = await probeStalls({ cpus: [0, 1], seconds: 4 });
 * console.log(cpu0.lostPct, cpu0.longestMs);
 * ```
 */
import { execFileSync, spawn } from 'node:child_process';

export interface StallFigures {
  /** Share of the probe's wall time spent in gaps over 0.5 ms. */
  lostPct: number;
  longestMs: number;
  /** Gaps of 5 ms or more. */
  over5ms: number;
}

const SPIN = `
const end = performance.now() + Number(process.argv[1]) * 1000;
let last = performance.now(), lost = 0, longest = 0, over5 = 0;
while (last < end) {
  const now = performance.now(), gap = now - last;
  if (gap > 0.5) { lost += gap; if (gap > longest) longest = gap; if (gap >= 5) over5++; }
  last = now;
}
process.stdout.write(JSON.stringify({ lost, longest, over5 }));`;

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** One spinning process per CPU, all at once (a CPU left idle would lend its time to the others). */
export async function probeStalls(opts: { cpus: number[]; seconds: number }): Promise<StallFigures[]> {
  const pin = hasTaskset();
  return Promise.all(
    opts.cpus.map(
      (cpu) =>
        new Promise<StallFigures>((resolve, reject) => {
          const argv = [process.execPath, '-e', SPIN, String(opts.seconds)];
          const child = pin ? spawn('taskset', ['-c', String(cpu), ...argv]) : spawn(argv[0]!, argv.slice(1));
          let out = '';
          child.stdout.on('data', (d) => {
            out += d;
          });
          child.on('error', reject);
          child.on('exit', () => {
            const r = JSON.parse(out) as { lost: number; longest: number; over5: number };
            resolve({
              lostPct: Number(((r.lost / (opts.seconds * 1000)) * 100).toFixed(1)),
              longestMs: Number(r.longest.toFixed(1)),
              over5ms: r.over5,
            });
          });
        }),
    ),
  );
}
