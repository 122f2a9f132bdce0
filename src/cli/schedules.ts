/**
 * `longrun schedules list|get|create|pause|resume|delete`: schedules on a running server, through
 * the typed client only (URL and key resolved as for `longrun jobs`).
 *
 * ```sh
 * longrun schedules create export.csv --cron '30 2 * * *' --timezone Europe/Berlin --input '{"collection":"orders"}'
 * longrun schedules pause 01a2…
 * ```
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { CreateScheduleParams, Schedule, ScheduleDetail } from '../client/index.ts';
import { escapeControlChars as shown } from '../core/text.ts';
import { EXIT } from './exit-codes.ts';
import { time } from './output.ts';
import { client, run } from './remote.ts';

const OVERLAP = ['skip', 'allow', 'cancel-previous'];
const CATCH_UP = ['none', 'latest', 'all'];

const HEADER = [
  'ID'.padEnd(36),
  'STATE'.padEnd(7),
  'NEXT FIRE (UTC)'.padEnd(19),
  'CRON'.padEnd(16),
  'ZONE'.padEnd(20),
  'TYPE',
].join('  ');

function line(s: Schedule): string {
  return [
    s.id.padEnd(36),
    (s.paused ? 'paused' : 'active').padEnd(7),
    time(s.nextFireAt).padEnd(19),
    shown(s.cron).padEnd(16),
    shown(s.timezone).padEnd(20),
    shown(s.type) + (s.name ? ` (${shown(s.name)})` : ''),
  ].join('  ');
}

function printSchedule(s: ScheduleDetail): void {
  const rows: [string, string][] = [
    ['id', s.id],
    ['name', s.name === null ? '-' : shown(s.name)],
    ['type', shown(s.type)],
    ['input', JSON.stringify(s.input)],
    ['cron', `${shown(s.cron)} (${shown(s.timezone)})`],
    ['overlap', s.overlap],
    ['catch-up', s.catchUp],
    ['state', s.paused ? 'paused' : 'active'],
    ['source', s.source],
    ['last fire', s.lastFireAt === null ? '-' : `${time(s.lastFireAt)} UTC, job ${s.lastJobId ?? '-'}`],
  ];
  for (const [k, v] of rows) console.log(`${k.padEnd(10)} ${v}`);
  console.log('next fires:');
  const local = new Intl.DateTimeFormat('sv-SE', {
    timeZone: s.timezone,
    dateStyle: 'short',
    timeStyle: 'short',
  });
  for (const t of s.nextFireTimes)
    console.log(`  ${time(t)} UTC  (${local.format(new Date(t))} ${s.timezone})`);
}

function oneOf(cmd: Command, flag: string, value: string | undefined, allowed: string[]): void {
  if (value !== undefined && !allowed.includes(value))
    cmd.error(`error: ${flag} must be one of ${allowed.join(', ')}`, { exitCode: EXIT.usage });
}

function parseInput(o: { input?: string; inputFile?: string }, cmd: Command): unknown {
  const text = o.inputFile ? readFileSync(o.inputFile, 'utf8') : o.input;
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    return cmd.error(`error: --input is not valid JSON: ${(err as Error).message}`, { exitCode: EXIT.usage });
  }
}

export function registerSchedules(program: Command): void {
  const schedules = program
    .command('schedules')
    .description('list, inspect, create, pause, resume and delete schedules on a running server')
    .option(
      '--url <url>',
      'server URL (env LONGRUN_URL, then the login profile, default http://localhost:3000)',
    )
    .option('--key <key>', 'API key (env LONGRUN_KEY, then the login profile)');

  schedules
    .command('list')
    .description("the workspace's schedules, oldest first")
    .option('--json', 'print the JSON array')
    .action(
      run(async (o: { json?: boolean }, cmd: Command) => {
        const list = await client(cmd).listSchedules();
        if (o.json) return console.log(JSON.stringify(list, null, 2));
        if (list.length === 0) return console.log('no schedules');
        console.log(HEADER);
        for (const s of list) console.log(line(s));
      }),
    );

  schedules
    .command('get <id>')
    .description('a schedule with its next five fire times')
    .option('--json', 'print the JSON')
    .action(
      run(async (id: string, o: { json?: boolean }, cmd: Command) => {
        const s = await client(cmd).getSchedule(id);
        if (o.json) console.log(JSON.stringify(s, null, 2));
        else printSchedule(s);
      }),
    );

  schedules
    .command('create <type>')
    .description('create a schedule; prints its id')
    .requiredOption('--cron <expr>', "five fields, e.g. '30 2 * * *'")
    .option('--timezone <zone>', 'IANA time zone', 'UTC')
    .option('--input <json>', "every fired job's input as JSON (default {})")
    .option('--input-file <path>', 'read the input JSON from a file')
    .option('--name <name>', "the fired jobs' name")
    .option('--overlap <mode>', `${OVERLAP.join(' | ')} (default skip)`)
    .option('--catch-up <mode>', `${CATCH_UP.join(' | ')} (default none)`)
    .option('--paused', 'create it paused')
    .action(
      run(async (type: string, o: Record<string, string | boolean | undefined>, cmd: Command) => {
        oneOf(cmd, '--overlap', o.overlap as string | undefined, OVERLAP);
        oneOf(cmd, '--catch-up', o.catchUp as string | undefined, CATCH_UP);
        const input = parseInput({ input: o.input as string, inputFile: o.inputFile as string }, cmd);
        const s = await client(cmd).createSchedule({
          type,
          cron: String(o.cron),
          timezone: String(o.timezone),
          ...(input !== undefined ? { input } : {}),
          ...(o.name ? { name: String(o.name) } : {}),
          ...(o.overlap ? { overlap: o.overlap as CreateScheduleParams['overlap'] } : {}),
          ...(o.catchUp ? { catchUp: o.catchUp as CreateScheduleParams['catchUp'] } : {}),
          ...(o.paused ? { paused: true } : {}),
        });
        console.log(s.id);
      }),
    );

  for (const [name, paused] of [
    ['pause', true],
    ['resume', false],
  ] as const) {
    schedules
      .command(`${name} <id>`)
      .description(
        paused ? 'stop firing until resumed' : 'fire again from now on (missed fires are not caught up)',
      )
      .action(
        run(async (id: string, _o: unknown, cmd: Command) => {
          const s = await client(cmd).updateSchedule(id, { paused });
          console.log(`${s.id} ${s.paused ? 'paused' : `active, next fire ${time(s.nextFireAt)} UTC`}`);
        }),
      );
  }

  schedules
    .command('delete <id>')
    .description('delete a schedule (the jobs it enqueued stay)')
    .action(
      run(async (id: string, _o: unknown, cmd: Command) => {
        await client(cmd).deleteSchedule(id);
        console.log(`deleted ${id}`);
      }),
    );
}
