/**
 * Compiles what the soak's (and the memory bench's) child processes run (src/, examples/, soak/,
 * bench/) to plain JavaScript under
 * node_modules/.cache/longrun-soak, so each `longrun worker` and `longrun serve` it starts runs on
 * plain Node. Started through tsx, each process spent about 1.5 CPU-seconds compiling before its
 * first claim; a quick soak starts some 45 of them on two cores, and that was a third of its time.
 * One esbuild pass over every file takes well under a second.
 *
 * ```ts
 * await compileHarness();
 * spawn(process.execPath, [HARNESS.bin, 'worker', '--jobs', HARNESS.jobs]);
 * ```
 */
import { cpSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';

const ROOT = join(import.meta.dirname, '..');
/** Inside node_modules, so the compiled files resolve packages from the checkout's node_modules. */
const OUT = join(ROOT, 'node_modules', '.cache', 'longrun-soak');

export const HARNESS = {
  bin: join(OUT, 'src', 'cli', 'main.js'),
  jobs: join(OUT, 'soak', 'jobs.js'),
  faultHook: join(OUT, 'soak', 'fault-hook.mjs'),
  skewClock: join(OUT, 'soak', 'skew-clock.mjs'),
  /** The compiled file of a source file of the checkout, e.g. `bench/memory-jobs.ts`. */
  compiled: (source: string) => join(OUT, source.replace(/\.ts$/, '.js')),
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => join(e.parentPath, e.name));
}

export async function compileHarness(): Promise<void> {
  rmSync(OUT, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: ['src', 'examples', 'soak', 'bench'].flatMap((d) => sources(join(ROOT, d))),
    outdir: OUT,
    outbase: ROOT,
    // One output file per source file: `bundle` only so that the plugin below sees every import.
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    plugins: [
      {
        name: 'relative-imports-stay-imports',
        setup(build) {
          build.onResolve({ filter: /^\.\.?\// }, (args) =>
            args.kind === 'entry-point'
              ? undefined
              : { path: args.path.replace(/\.ts$/, '.js'), external: true },
          );
        },
      },
    ],
  });
  // What the compiled code reads beside itself (migrations, the examples' data) and the plain
  // JavaScript preloads.
  for (const dir of ['src/store/sqlite/migrations', 'src/store/postgres/migrations', 'examples/data'])
    cpSync(join(ROOT, dir), join(OUT, dir), { recursive: true });
  for (const file of ['fault-hook.mjs', 'fault-loader.mjs', 'skew-clock.mjs'])
    cpSync(join(ROOT, 'soak', file), join(OUT, 'soak', file));
}
