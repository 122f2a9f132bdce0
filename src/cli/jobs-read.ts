/**
 * `longrun jobs logs|items`: a job's log lines and per-item outcomes, all pages of them. `--json`
 * prints JSON Lines (one object per line), so output starts before the last page is fetched.
 */
import type { Command } from 'commander';
import { type LogEntry, type LogLevel, LongrunApiError, type LongrunClient } from '../client/index.ts';
import { oneOf } from './args.ts';
import { EXIT } from './exit-codes.ts';
import { formatLogLine, ItemTable } from './output.ts';
import { client, run } from './remote.ts';

const LEVELS = ['info', 'warn', 'error'] as const satisfies readonly LogLevel[];

/** `--level warn` means warn and worse, as in any logger. */
function levelsFrom(min: LogLevel | undefined): LogLevel[] | undefined {
  return min ? LEVELS.slice(LEVELS.indexOf(min)) : undefined;
}

async function followLogs(
  c: LongrunClient,
  id: string,
  levels: LogLevel[] | undefined,
  print: (l: LogEntry) => void,
): Promise<number> {
  const stream = new AbortController();
  const onSigint = () => stream.abort();
  process.on('SIGINT', onSigint);
  let lastId = 0;
  const once = (l: LogEntry) => {
    if (l.id <= lastId) return;
    lastId = l.id;
    print(l);
  };
  try {
    for await (const e of c.jobEvents(id, { signal: stream.signal })) {
      // Everything up to the snapshot comes from the logs endpoint, then the stream carries on:
      // ids only grow, so a line both could deliver is printed once.
      if (e.event === 'snapshot')
        for await (const l of c.listAllLogs(id, { after: lastId, level: levels })) once(l);
      if (e.event !== 'log') continue;
      const d = e.data;
      const level = String(d.level) as LogLevel;
      if (levels && !levels.includes(level)) continue;
      once({
        id: Number(d.id),
        timestamp: Number(d.timestamp),
        level,
        message: String(d.message),
        step: typeof d.step === 'string' ? d.step : null,
        attempt: Number(d.attempt),
      });
    }
  } catch (err) {
    if (!(err instanceof LongrunApiError && (err.status === 0 || err.status >= 500))) throw err;
    console.error(`error: lost the event stream of job ${id}: ${err.message}`);
    return EXIT.streamLost;
  } finally {
    process.off('SIGINT', onSigint);
  }
  return stream.signal.aborted ? EXIT.interrupted : EXIT.ok;
}

export function registerJobReads(jobs: Command): void {
  jobs
    .command('logs <id>')
    .description("a job's log lines, oldest first; --follow streams new ones until the job ends")
    .option('-f, --follow', 'keep printing new lines until the job ends')
    .option('--level <level>', 'this level and worse: info, warn or error')
    .option('--json', 'one JSON object per line')
    .action(
      run(async (id: string, o: { follow?: boolean; level?: string; json?: boolean }, cmd: Command) => {
        const levels = levelsFrom(oneOf(cmd, '--level', LEVELS, o.level));
        const c = client(cmd);
        const print = (l: LogEntry) => console.log(o.json ? JSON.stringify(l) : formatLogLine(l));
        if (o.follow) {
          process.exitCode = await followLogs(c, id, levels, print);
          return;
        }
        for await (const l of c.listAllLogs(id, { level: levels })) print(l);
      }),
    );

  jobs
    .command('items <id>')
    .description('the outcome of each item of a job (which entities failed and why)')
    .option('--status <status>', 'completed or failed')
    .option('--step <name>', 'only this step')
    .option('--json', 'one JSON object per line')
    .action(
      run(async (id: string, o: { status?: string; step?: string; json?: boolean }, cmd: Command) => {
        const status = oneOf(cmd, '--status', ['completed', 'failed'] as const, o.status);
        const c = client(cmd);
        let table: ItemTable | null = null;
        let cursor: string | undefined;
        do {
          const page = await c.listItems(id, { status, step: o.step, limit: 1000, cursor });
          if (o.json) {
            for (const i of page.items) console.log(JSON.stringify(i));
          } else {
            if (!table && page.items.length) {
              table = new ItemTable(page.items);
              console.log(table.header());
            }
            for (const i of page.items) if (table) console.log(table.line(i));
          }
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        if (!o.json && !table) console.error('no items');
      }),
    );
}
