/**
 * The `longrun` command. One file per command group; this one only assembles them.
 *
 * ```sh
 * longrun serve --port 3000 --db ./data/longrun.db
 * longrun keys create --workspace default --scope read
 * longrun jobs list --status running --category seo
 * ```
 */
import { Command } from 'commander';
import { registerJobs } from "./jobs.js";
import { registerKeys } from "./keys.js";
import { registerMigrate } from "./migrate.js";
import { registerServe } from "./serve.js";
import { registerWorker } from "./worker.js";
export function buildProgram() {
    const program = new Command('longrun')
        .description('Background jobs you can watch and stop')
        .version('0.1.0')
        .showHelpAfterError();
    registerServe(program);
    registerWorker(program);
    registerMigrate(program);
    registerKeys(program);
    registerJobs(program);
    return program;
}
try {
    await buildProgram().parseAsync(process.argv);
}
catch (err) {
    // An operator gets one line saying what failed (a database that does not answer, a bad file),
    // not a stack trace; LONGRUN_DEBUG=1 shows the stack.
    if (process.env.LONGRUN_DEBUG)
        console.error(err);
    else
        console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
}
//# sourceMappingURL=main.js.map