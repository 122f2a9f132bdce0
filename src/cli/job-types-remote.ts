/**
 * `longrun job-types list|pause <type>|resume <type>`: the job types a server runs, with their
 * concurrency limits and this workspace's pause state, through the public API (the client) only.
 *
 * ```sh
 * longrun job-types pause sync.integration   # its pending jobs wait; running ones go on
 * longrun job-types resume sync.integration
 * ```
 */
import type { Command } from 'commander';
import type { JobType } from '../client/index.ts';
import { escapeControlChars as shown } from '../core/text.ts';
import { time } from './output.ts';
import { client, run } from './remote.ts';

const HEADER = `${'TYPE'.padEnd(28)} ${'CATEGORY'.padEnd(9)} ${'LIMIT'.padEnd(12)} STATE`;

function limitText(t: JobType): string {
  if (!t.concurrency) return '-';
  return t.concurrency.perKey ? `${t.concurrency.limit} per key` : String(t.concurrency.limit);
}

function stateText(t: JobType): string {
  if (!t.paused) return 'active';
  return `paused ${time(t.pausedAt)}${t.pausedBy ? ` by ${shown(t.pausedBy)}` : ''}`;
}

export function formatJobTypeLine(t: JobType): string {
  return `${t.type.padEnd(28)} ${t.category.padEnd(9)} ${limitText(t).padEnd(12)} ${stateText(t)}`;
}

export function registerJobTypes(program: Command): void {
  const cmd = program
    .command('job-types')
    .description('list job types with their limits; pause and resume a type in your workspace')
    .option(
      '--url <url>',
      'server URL (env LONGRUN_URL, then the login profile, default http://localhost:3000)',
    )
    .option('--key <key>', 'API key (env LONGRUN_KEY, then the login profile)');

  cmd
    .command('list')
    .description('every registered type, its concurrency limit and whether it is paused here')
    .option('--json', 'print the JSON array')
    .action(
      run(async (o: { json?: boolean }, c: Command) => {
        const types = await client(c).jobTypes();
        if (o.json) {
          console.log(JSON.stringify(types, null, 2));
          return;
        }
        console.log(HEADER);
        for (const t of types) console.log(formatJobTypeLine(t));
      }),
    );

  for (const [verb, what] of [
    ['pause', 'its pending jobs wait until resumed; running jobs go on (idempotent)'],
    ['resume', 'its pending jobs are claimed again (idempotent)'],
  ] as const) {
    cmd
      .command(`${verb} <type>`)
      .description(`${verb} a job type in your workspace: ${what}`)
      .option('--json', 'print the type as JSON')
      .action(
        run(async (type: string, o: { json?: boolean }, c: Command) => {
          const api = client(c);
          const t = verb === 'pause' ? await api.pauseJobType(type) : await api.resumeJobType(type);
          if (o.json) console.log(JSON.stringify(t, null, 2));
          else console.log(`${t.type}: ${stateText(t)}`);
        }),
      );
  }
}
