/**
 * The `longrun` command. One file per command group; this one only assembles them.
 *
 * ```sh
 * longrun serve --port 3000 --db ./data/longrun.db
 * longrun keys create --workspace default --scope read
 * longrun login --url http://localhost:3000 --key lr_…
 * longrun jobs list --status running --category seo
 * ```
 */
import { Command } from 'commander';
import { registerJobTypes } from './job-types-remote.ts';
import { registerJobs } from './jobs.ts';
import { registerKeys } from './keys.ts';
import { registerLogin } from './login.ts';
import { registerMigrate } from './migrate.ts';
import { registerSchedules } from './schedules.ts';
import { registerServe } from './serve.ts';
import { findVersion } from './version.ts';
import { registerWebhooks } from './webhooks.ts';
import { registerWorker } from './worker.ts';

export function buildProgram(): Command {
  const program = new Command('longrun')
    .description('Background jobs you can watch and stop')
    .version(findVersion(), '-V, --version', 'print the version')
    .showHelpAfterError();
  registerServe(program);
  registerWorker(program);
  registerMigrate(program);
  registerKeys(program);
  registerWebhooks(program);
  registerLogin(program);
  registerJobs(program);
  registerJobTypes(program);
  registerSchedules(program);
  return program;
}

try {
  await buildProgram().parseAsync(process.argv);
} catch (err) {
  // An operator gets one line saying what failed (a database that does not answer, a bad file),
  // not a stack trace; LONGRUN_DEBUG=1 shows the stack.
  if (process.env.LONGRUN_DEBUG) console.error(err);
  else console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
