/**
 * `longrun jobs list|get|watch|cancel|create` (and `logs|items`, jobs-read.ts; `retry` and bulk
 * `cancel`, jobs-ops.ts): a remote control
 * over the public API, through the typed client only. URL and key: flags > LONGRUN_URL and
 * LONGRUN_KEY > the `longrun login` profile > http://localhost:3000 (profile.ts).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { JobStatus } from '../client/index.ts';
import { addBulkCancelOptions, bulkCancel, parseInteger, parseTime, registerJobOps } from './jobs-ops.ts';
import { registerJobReads } from './jobs-read.ts';
import { formatJobLine, JOB_HEADER, printDetail } from './output.ts';
import { client, run } from './remote.ts';
import { watchJob } from './watch.ts';

function parseInput(opts: { input?: string; inputFile?: string }, cmd: Command): unknown {
  const text = opts.inputFile ? readFileSync(opts.inputFile, 'utf8') : opts.input;
  if (text === undefined) return {};
  try {
    return JSON.parse(text);
  } catch (err) {
    return cmd.error(`error: --input is not valid JSON: ${(err as Error).message}`, { exitCode: 2 });
  }
}

const list = (raw: string | boolean | undefined) => (raw ? String(raw).split(',') : undefined);

export function registerJobs(program: Command): void {
  const jobs = program
    .command('jobs')
    .description('list, inspect, watch, cancel and create jobs on a running server')
    .option(
      '--url <url>',
      'server URL (env LONGRUN_URL, then the login profile, default http://localhost:3000)',
    )
    .option('--key <key>', 'API key (env LONGRUN_KEY, then the login profile)');

  jobs
    .command('list')
    .description('newest first')
    .option('--status <list>', 'comma list: pending,running,completed,failed,cancelled')
    .option('--category <list>', 'comma list, e.g. seo,ai')
    .option('--type <list>', 'comma list of job types')
    .option('--limit <n>', '1-100 (default 20)')
    .option('--cursor <cursor>', 'continue from a previous page')
    .option('--json', 'print the JSON array')
    .action(
      run(async (o: Record<string, string | boolean | undefined>, cmd: Command) => {
        const page = await client(cmd).listJobs({
          status: list(o.status) as JobStatus[] | undefined,
          category: list(o.category),
          type: list(o.type),
          limit: o.limit ? Number(o.limit) : undefined,
          cursor: o.cursor ? String(o.cursor) : undefined,
        });
        if (o.json) {
          console.log(JSON.stringify(page.jobs, null, 2));
        } else {
          console.log(JOB_HEADER);
          for (const j of page.jobs) console.log(formatJobLine(j));
        }
        if (page.nextCursor) console.error(`more: --cursor ${page.nextCursor}`);
      }),
    );

  jobs
    .command('get <id>')
    .description('a job with its steps, attempts and latest logs')
    .option('--json', 'print the JSON')
    .action(
      run(async (id: string, o: { json?: boolean }, cmd: Command) => {
        const job = await client(cmd).getJob(id);
        if (o.json) console.log(JSON.stringify(job, null, 2));
        else printDetail(job);
      }),
    );

  jobs
    .command('watch <id>')
    .description('follow a job live until it ends; exit code 0 completed, 1 failed, 3 cancelled')
    .option('--json', 'print each event as one JSON object per line')
    .action(
      run(async (id: string, o: { json?: boolean }, cmd: Command) => {
        process.exitCode = await watchJob(client(cmd), id, { json: Boolean(o.json) });
      }),
    );

  addBulkCancelOptions(
    jobs
      .command('cancel [id]')
      .description('cancel a pending or running job; without an id, every job matching the bulk options'),
  ).action(
    run(async (id: string | undefined, o: Record<string, string | boolean | undefined>, cmd: Command) => {
      if (id === undefined) return bulkCancel(o, cmd);
      if (Object.keys(o).length > 0)
        return cmd.error('error: give a job id or bulk options (--status, --type, …), not both', {
          exitCode: 2,
        });
      const res = await client(cmd).cancelJob(id);
      console.log(`${res.id} ${res.status}`);
    }),
  );

  jobs
    .command('create <type>')
    .description('enqueue a job; prints its id')
    .option('--input <json>', 'the input as JSON (default {})')
    .option('--input-file <path>', 'read the input JSON from a file')
    .option('--name <name>', 'display name')
    .option('--priority <n>', 'integer -1000000..1000000, higher runs first (default 0)')
    .option('--run-at <iso|ms>', 'not started before this time (ISO timestamp or ms since the epoch)')
    .option('--max-attempts <n>', 'attempts in all')
    .option('--idempotency-key <key>', 'retrying with the same key returns the same job')
    .option('--watch', 'then follow it until it ends (exit codes as for jobs watch)')
    .action(
      run(async (type: string, o: Record<string, string | boolean | undefined>, cmd: Command) => {
        const c = client(cmd);
        const runAt = parseTime(o.runAt, '--run-at', cmd);
        const { job, created } = await c.createJob(
          {
            type,
            input: parseInput({ input: o.input as string, inputFile: o.inputFile as string }, cmd),
            name: o.name as string | undefined,
            priority: parseInteger(o.priority, '--priority', cmd),
            runAt,
            maxAttempts: o.maxAttempts ? Number(o.maxAttempts) : undefined,
          },
          { idempotencyKey: o.idempotencyKey as string | undefined },
        );
        console.log(job.id);
        if (!created) console.error('(an earlier request with this idempotency key created it)');
        if (o.watch) process.exitCode = await watchJob(c, job.id, { json: false });
      }),
    );

  registerJobReads(jobs);
  registerJobOps(jobs);
}
