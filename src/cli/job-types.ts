/**
 * The job types a process registers: the examples (unless `--no-examples`) and whatever definitions
 * the `--jobs` modules export, with load errors that say what to do.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Logger } from 'pino';
import type { AnyJobDefinition } from '../engine/define.ts';
import type { Longrun } from '../engine/longrun.ts';
import type { ServeConfig } from './config.ts';

export interface ExamplesModule {
  exampleJobs: AnyJobDefinition[];
  startExampleJobs(longrun: Longrun, opts?: { workspaceId?: string }): Promise<void>;
}

function isJobDefinition(v: unknown): v is AnyJobDefinition {
  return typeof v === 'object' && v !== null && 'type' in v && 'run' in v && typeof v.run === 'function';
}

/**
 * Why a job module did not load, in words that say what to do. Node runs `.js` and `.mjs`; a `.ts`
 * module needs Node's type stripping (22.6+ with `--experimental-strip-types`, on by default from
 * 23.6) or tsx (`NODE_OPTIONS="--import tsx"`).
 */
function jobModuleError(path: string, err: unknown): Error {
  const code = (err as { code?: string } | null)?.code;
  if (code === 'ERR_UNKNOWN_FILE_EXTENSION' && /\.[mc]?ts$/.test(path)) {
    return new Error(
      `cannot load the TypeScript job module ${path}: Node ${process.version} does not run TypeScript here. ` +
        'Use Node 22.6 or newer with --experimental-strip-types (the default from 23.6), run through tsx ' +
        `(NODE_OPTIONS="--import tsx" longrun …), or compile it to .js`,
      { cause: err },
    );
  }
  if (code === 'ERR_MODULE_NOT_FOUND' && String((err as Error).message).includes(resolve(path)))
    return new Error(`job module ${path} does not exist (looked for ${resolve(path)})`, { cause: err });
  return new Error(`job module ${path} failed to load: ${(err as Error).message}`, { cause: err });
}

/** Loads job definitions from user modules: any exported array of definitions (or a single one). */
export async function loadJobModules(paths: string[]): Promise<AnyJobDefinition[]> {
  const out: AnyJobDefinition[] = [];
  for (const p of paths) {
    let mod: Record<string, unknown>;
    try {
      mod = (await import(pathToFileURL(resolve(p)).href)) as Record<string, unknown>;
    } catch (err) {
      throw jobModuleError(p, err);
    }
    for (const value of Object.values(mod)) {
      if (Array.isArray(value) && value.every(isJobDefinition)) out.push(...value);
      else if (isJobDefinition(value)) out.push(value);
    }
  }
  // A module may export both an array and its members: register each type once.
  return [...new Map(out.map((d) => [d.type, d])).values()];
}

export async function loadExamples(logger: Logger): Promise<ExamplesModule | null> {
  try {
    return (await import('../../examples/index.ts')) as ExamplesModule;
  } catch (err) {
    logger.warn({ err }, 'example job types not available; continuing without them');
    return null;
  }
}

/** The example types (unless `--no-examples`) and those of `--jobs` modules. */
export async function loadJobTypes(
  config: ServeConfig,
  logger: Logger,
): Promise<{ examples: ExamplesModule | null; jobs: AnyJobDefinition[] }> {
  const examples = config.examples ? await loadExamples(logger) : null;
  return { examples, jobs: [...(examples?.exampleJobs ?? []), ...(await loadJobModules(config.jobs))] };
}
