/**
 * `longrun jobs retry <id> [--failed-items]` and `longrun jobs cancel --status … --type …` (bulk
 * cancel; `jobs cancel <id>` stays the single cancel): through the typed client only.
 *
 * ```sh
 * longrun jobs retry 0193… --failed-items
 * longrun jobs cancel --status pending --type sync.pull --created-before 2026-12-04T06:00:00Z
 * ```
 */
import type { Command } from 'commander';
import type { CancelJobsFilter } from '../client/index.ts';
import { client, run } from './remote.ts';

const list = (raw: string | boolean | undefined) =>
  raw ? String(raw).split(',').filter(Boolean) : undefined;

/** An ISO timestamp or ms since the epoch, as `--run-at` and `--created-before` take it; exits 2 otherwise. */
export function parseTime(raw: string | boolean | undefined, flag: string, cmd: Command): number | undefined {
  if (raw === undefined || raw === false) return undefined;
  const text = String(raw);
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isSafeInteger(ms) || ms < 0)
    return cmd.error(`error: ${flag} must be an ISO timestamp or ms since the epoch, got "${text}"`, {
      exitCode: 2,
    });
  return ms;
}

/** An integer option, or exit 2. */
export function parseInteger(
  raw: string | boolean | undefined,
  flag: string,
  cmd: Command,
): number | undefined {
  if (raw === undefined || raw === false) return undefined;
  const text = String(raw);
  if (!/^-?\d+$/.test(text))
    return cmd.error(`error: ${flag} must be an integer, got "${text}"`, { exitCode: 2 });
  return Number(text);
}

export function registerJobOps(jobs: Command): void {
  jobs
    .command('retry <id>')
    .description(
      'create a new job retrying a failed, cancelled, or completed-with-failures job; prints its id',
    )
    .option('--failed-items', 'rerun only the items the job left unfinished (its type must set partialRetry)')
    .option('--idempotency-key <key>', 'repeating with the same key returns the same retry')
    .option('--json', 'print the new job as JSON')
    .action(
      run(async (id: string, o: Record<string, string | boolean | undefined>, cmd: Command) => {
        const { job, created } = await client(cmd).retryJob(
          id,
          { only: o.failedItems ? 'failed-items' : undefined },
          { idempotencyKey: o.idempotencyKey as string | undefined },
        );
        if (o.json) console.log(JSON.stringify(job, null, 2));
        else console.log(job.id);
        if (!created) console.error('(an earlier request with this idempotency key created it)');
      }),
    );
}

/** The options of `jobs cancel` without an id: a bulk cancel. */
export function addBulkCancelOptions(cmd: Command): Command {
  return cmd
    .option('--status <list>', 'bulk: pending and/or running (comma list)')
    .option('--category <list>', 'bulk: comma list of categories')
    .option('--type <list>', 'bulk: comma list of job types')
    .option('--created-before <iso|ms>', 'bulk: jobs created before this time')
    .option('--ids <list>', 'bulk: comma list of job ids')
    .option('--all', 'bulk: with no other condition, every pending and running job')
    .option('--limit <n>', 'bulk: at most this many (1-10000, default 10000)')
    .option('--json', 'bulk: print the result as JSON');
}

export async function bulkCancel(
  o: Record<string, string | boolean | undefined>,
  cmd: Command,
): Promise<void> {
  const filter: CancelJobsFilter = {
    status: list(o.status) as CancelJobsFilter['status'],
    category: list(o.category),
    type: list(o.type),
    createdBefore: parseTime(o.createdBefore, '--created-before', cmd),
    ids: list(o.ids),
    all: o.all ? true : undefined,
    limit: parseInteger(o.limit, '--limit', cmd),
  };
  const res = await client(cmd).cancelJobs(filter);
  if (o.json) console.log(JSON.stringify(res));
  else console.log(`${res.cancelled} cancelled${res.more ? ' (more match: run it again)' : ''}`);
}
