/**
 * `longrun jobs list|get|watch|cancel|create`: a remote control over the public API, through the
 * typed client only (`--url`/`LONGRUN_URL`, `--key`/`LONGRUN_KEY`).
 */
import { readFileSync } from 'node:fs';
import { LongrunApiError, LongrunClient } from "../client/index.js";
import { formatJobLine, JOB_HEADER, printDetail, watchJob } from "./output.js";
function client(cmd) {
    const o = cmd.optsWithGlobals();
    const url = o.url ?? process.env.LONGRUN_URL ?? 'http://localhost:3000';
    const key = o.key ?? process.env.LONGRUN_KEY;
    if (!key)
        cmd.error('error: an API key is required: --key or LONGRUN_KEY', { exitCode: 2 });
    return new LongrunClient({ url, key });
}
/** API errors become one readable line and exit code 1, not a stack trace. */
function run(fn) {
    return async (...args) => {
        try {
            await fn(...args);
        }
        catch (err) {
            if (err instanceof LongrunApiError) {
                const details = Array.isArray(err.details)
                    ? err.details.map((d) => `\n  - ${d.path ?? ''} ${d.message ?? ''}`)
                    : [];
                console.error(`error: ${err.code}: ${err.message}${details.join('')}`);
                process.exitCode = 1;
                return;
            }
            throw err;
        }
    };
}
function parseInput(opts, cmd) {
    const text = opts.inputFile ? readFileSync(opts.inputFile, 'utf8') : opts.input;
    if (text === undefined)
        return {};
    try {
        return JSON.parse(text);
    }
    catch (err) {
        return cmd.error(`error: --input is not valid JSON: ${err.message}`, { exitCode: 2 });
    }
}
export function registerJobs(program) {
    const jobs = program
        .command('jobs')
        .description('list, inspect, watch, cancel and create jobs on a running server')
        .option('--url <url>', 'server URL (env LONGRUN_URL, default http://localhost:3000)')
        .option('--key <key>', 'API key (env LONGRUN_KEY)');
    jobs
        .command('list')
        .description('newest first')
        .option('--status <list>', 'comma list: pending,running,completed,failed,cancelled')
        .option('--category <list>', 'comma list, e.g. seo,ai')
        .option('--type <list>', 'comma list of job types')
        .option('--limit <n>', '1-100 (default 20)')
        .option('--cursor <cursor>', 'continue from a previous page')
        .option('--json', 'print the JSON array')
        .action(run(async (o, cmd) => {
        const page = await client(cmd).listJobs({
            status: o.status ? String(o.status).split(',') : undefined,
            category: o.category ? String(o.category).split(',') : undefined,
            type: o.type ? String(o.type).split(',') : undefined,
            limit: o.limit ? Number(o.limit) : undefined,
            cursor: o.cursor ? String(o.cursor) : undefined,
        });
        if (o.json) {
            console.log(JSON.stringify(page.jobs, null, 2));
        }
        else {
            console.log(JOB_HEADER);
            for (const j of page.jobs)
                console.log(formatJobLine(j));
        }
        if (page.nextCursor)
            console.error(`more: --cursor ${page.nextCursor}`);
    }));
    jobs
        .command('get <id>')
        .description('a job with its steps, attempts and latest logs')
        .option('--json', 'print the JSON')
        .action(run(async (id, o, cmd) => {
        const job = await client(cmd).getJob(id);
        if (o.json)
            console.log(JSON.stringify(job, null, 2));
        else
            printDetail(job);
    }));
    jobs
        .command('watch <id>')
        .description('follow a job live until it ends; exit code 0 if it completed, 1 otherwise')
        .option('--json', 'print each event as a JSON line')
        .action(run(async (id, o, cmd) => {
        const status = await watchJob(client(cmd), id, { json: Boolean(o.json) });
        if (status !== 'completed')
            process.exitCode = 1;
    }));
    jobs
        .command('cancel <id>')
        .description('cancel a pending or running job')
        .action(run(async (id, _o, cmd) => {
        const res = await client(cmd).cancelJob(id);
        console.log(`${res.id} ${res.status}`);
    }));
    jobs
        .command('create <type>')
        .description('enqueue a job; prints its id')
        .option('--input <json>', 'the input as JSON (default {})')
        .option('--input-file <path>', 'read the input JSON from a file')
        .option('--name <name>', 'display name')
        .option('--priority <n>', 'higher runs first')
        .option('--run-at <iso|ms>', 'earliest start')
        .option('--max-attempts <n>', 'attempts in all')
        .option('--idempotency-key <key>', 'retrying with the same key returns the same job')
        .option('--watch', 'then follow it until it ends')
        .action(run(async (type, o, cmd) => {
        const c = client(cmd);
        const runAt = o.runAt
            ? /^\d+$/.test(String(o.runAt))
                ? Number(o.runAt)
                : Date.parse(String(o.runAt))
            : undefined;
        const { job, created } = await c.createJob({
            type,
            input: parseInput({ input: o.input, inputFile: o.inputFile }, cmd),
            name: o.name,
            priority: o.priority ? Number(o.priority) : undefined,
            runAt,
            maxAttempts: o.maxAttempts ? Number(o.maxAttempts) : undefined,
        }, { idempotencyKey: o.idempotencyKey });
        console.log(job.id);
        if (!created)
            console.error('(an earlier request with this idempotency key created it)');
        if (o.watch) {
            const status = await watchJob(c, job.id, { json: false });
            if (status !== 'completed')
                process.exitCode = 1;
        }
    }));
}
//# sourceMappingURL=jobs.js.map