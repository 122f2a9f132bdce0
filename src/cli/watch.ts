/**
 * `jobs watch` (and `jobs create --watch`): follows a job's event stream to its end and returns
 * the exit code for its outcome (exit-codes.ts). On a terminal, Ctrl-C asks whether to cancel the
 * job: yes cancels it and keeps watching until it has stopped (3), anything else detaches (130),
 * and a second Ctrl-C at the prompt leaves at once (130). Elsewhere Ctrl-C just detaches.
 */

import { type Job, type LogEntry, LongrunApiError, type LongrunClient } from '../client/index.ts';
import { escapeControlChars as shown } from '../core/text.ts';
import { EXIT } from './exit-codes.ts';
import { BarOutput, PlainOutput, type Progress, type WatchOutput } from './live.ts';
import { formatLogLine } from './output.ts';
import { ask, type Question } from './prompt.ts';
import { describeApiError } from './remote.ts';
import { type Paint, paintStatus, paintStdout } from './term.ts';

/** Log lines of the job's past shown when watching starts, for context. */
const RECENT_LOGS = 10;

export function exitCodeFor(status: string): number {
  if (status === 'completed') return EXIT.ok;
  if (status === 'failed') return EXIT.failed;
  if (status === 'cancelled') return EXIT.cancelled;
  return EXIT.streamLost;
}

function describeEvent(event: string, d: Record<string, unknown>, paint: Paint): string | null {
  if (event === 'log') {
    return formatLogLine(
      {
        timestamp: Number(d.timestamp),
        level: String(d.level),
        message: String(d.message),
        step: typeof d.step === 'string' ? d.step : null,
      },
      paint,
    );
  }
  if (event === 'step') return `step ${shown(String(d.name))}: ${d.status}`;
  if (event === 'status') {
    const stopping =
      d.status === 'cancelled' && d.completedAt === null ? ' (stopping after the current item)' : '';
    return `status ${paintStatus(paint, String(d.status))}${stopping}`;
  }
  return null;
}

export async function watchJob(client: LongrunClient, id: string, opts: { json: boolean }): Promise<number> {
  const tty = Boolean(process.stdout.isTTY);
  const interactive = !opts.json && tty && Boolean(process.stdin.isTTY);
  const paint = paintStdout;
  const out: WatchOutput | null = opts.json
    ? null
    : tty
      ? new BarOutput(process.stdout, paint)
      : new PlainOutput(process.stdout);
  const stream = new AbortController();
  let status = 'unknown';
  let progress: Progress = { total: 0, completed: 0, failed: 0 };
  let ended = false;
  let interrupted = false;
  let cancelSent = false;
  // A holder, not a `let`: TypeScript would take a variable only closures assign as always null.
  const prompt: { open: Question | null } = { open: null };

  const detach = () => {
    interrupted = true;
    stream.abort();
  };
  const confirmCancel = async () => {
    out?.pause();
    prompt.open = ask(`Cancel job ${id}? [y/N] `);
    const answer = await prompt.open.answer;
    prompt.open = null;
    if (answer === 'closed') return out?.resume();
    if (answer !== 'yes') return detach();
    out?.resume();
    cancelSent = true;
    try {
      await client.cancelJob(id);
      out?.line('cancel requested: waiting for the job to stop');
    } catch (err) {
      if (!(err instanceof LongrunApiError)) throw err;
      out?.line(describeApiError(err));
    }
  };
  const onSigint = () => {
    if (!interactive || cancelSent || prompt.open) return detach();
    confirmCancel().catch((err: unknown) => {
      out?.line(`error: ${err instanceof Error ? err.message : String(err)}`);
    });
  };
  process.on('SIGINT', onSigint);

  try {
    for await (const e of client.jobEvents(id, { signal: stream.signal })) {
      if (opts.json) console.log(JSON.stringify(e));
      const d = e.data;
      if (e.event === 'snapshot' || e.event === 'status') status = String(d.status);
      if (e.event === 'snapshot') progress = d.progress as Job['progress'];
      if (e.event === 'progress')
        progress = { total: Number(d.total), completed: Number(d.completed), failed: Number(d.failed) };
      if (e.event === 'end') ended = true;
      if (!out) continue;
      if (e.event === 'snapshot') {
        out.line(`${shown(String(d.name))} [${d.type}] ${paintStatus(paint, status)}`);
        for (const l of (d.logs as LogEntry[]).slice(-RECENT_LOGS)) out.line(formatLogLine(l, paint));
      }
      const text = describeEvent(e.event, d, paint);
      if (text) out.line(text);
      if (e.event === 'snapshot' || e.event === 'progress' || e.event === 'status')
        out.progress(progress, status);
    }
  } catch (err) {
    const lost = err instanceof LongrunApiError && (err.status === 0 || err.status >= 500);
    if (!lost) throw err;
    out?.stop();
    console.error(`error: lost the event stream of job ${id}: ${err.message}`);
    return EXIT.streamLost;
  } finally {
    process.off('SIGINT', onSigint);
    prompt.open?.close();
    out?.stop();
  }
  if (interrupted) {
    console.error(
      cancelSent
        ? `stopped watching job ${id}; its cancel was requested`
        : `detached: job ${id} goes on (longrun jobs watch ${id} to follow it again)`,
    );
    return EXIT.interrupted;
  }
  if (!ended) return EXIT.streamLost;
  if (!opts.json) console.log(`finished: ${paintStatus(paint, status)}`);
  return exitCodeFor(status);
}
