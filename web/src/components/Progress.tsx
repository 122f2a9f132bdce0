/**
 * A job's progress bar: completed items in green, failed in red, with %, rate and ETA. The rate
 * comes from the progress updates seen in the last minute, or, before there are two, from the
 * job's own timestamps (both server times, so a skewed browser clock does not distort it).
 */
import type { Job } from '../../../src/client/types.ts';
import { serverNow } from '../api.ts';
import { duration, rate } from '../format.ts';
import { tick } from '../live.ts';

interface Sample {
  t: number;
  done: number;
}
const samples = new Map<string, Sample[]>();
const WINDOW_MS = 60_000;

/** Remembers a job's progress as seen now; call it on every update. */
export function recordProgress(job: Pick<Job, 'id' | 'progress'>): void {
  const done = job.progress.completed + job.progress.failed;
  const list = samples.get(job.id) ?? [];
  const last = list[list.length - 1];
  if (last && last.done === done) return;
  const now = Date.now();
  list.push({ t: now, done });
  while (list.length > 2 && (list[0]!.t < now - WINDOW_MS || list.length > 30)) list.shift();
  samples.set(job.id, list);
  // Bounded: a page left open for a day sees many jobs.
  if (samples.size > 2_000) samples.delete(samples.keys().next().value!);
}

/**
 * Items per second over the last minute's updates, or since the job started; both measured up to
 * now, so a job that stopped moving shows a falling rate and a growing ETA, not its old pace.
 */
export function estimate(job: Job): { perSecond: number; etaMs: number | null } {
  const { total, completed, failed } = job.progress;
  const done = completed + failed;
  let perSecond = 0;
  const list = samples.get(job.id);
  const first = list?.[0];
  const last = list?.[list.length - 1];
  if (first && last && last.t - first.t >= 1_000)
    perSecond = ((last.done - first.done) * 1000) / (Date.now() - first.t);
  else if (job.startedAt && done > 0) perSecond = (done * 1000) / Math.max(1, serverNow() - job.startedAt);
  const etaMs =
    job.status === 'running' && perSecond > 0 && total > done ? ((total - done) / perSecond) * 1000 : null;
  return { perSecond, etaMs };
}

export function percent(job: Pick<Job, 'progress' | 'status'>): number {
  const { total, completed, failed } = job.progress;
  if (total <= 0) return job.status === 'completed' ? 100 : 0;
  return Math.min(100, Math.floor(((completed + failed) * 100) / total));
}

export function ProgressBar({ job, label, compact }: { job: Job; label?: string; compact?: boolean }) {
  const { total, completed, failed } = job.progress;
  const pct = percent(job);
  const ok = total > 0 ? (completed * 100) / total : job.status === 'completed' ? 100 : 0;
  const bad = total > 0 ? (failed * 100) / total : 0;
  const live = job.status === 'running';
  if (live) void tick.value;
  const { perSecond, etaMs } = live ? estimate(job) : { perSecond: 0, etaMs: null };
  const counts =
    total > 0 ? `${completed.toLocaleString('en-US')} of ${total.toLocaleString('en-US')}` : 'no items yet';
  const failedText = failed > 0 ? `, ${failed.toLocaleString('en-US')} failed` : '';
  return (
    <div class={`progress${compact ? ' compact' : ''}`}>
      <div
        class="bar"
        role="progressbar"
        aria-label={label ?? 'Progress'}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        aria-valuetext={`${pct}% (${counts}${failedText})`}
      >
        <div class="seg ok" style={{ width: `${ok}%` }} />
        <div class="seg bad" style={{ width: `${bad}%` }} />
      </div>
      <span class="progress-text">
        <span class="pct">{pct}%</span>
        {failed > 0 && <span class="failed-count">{failed.toLocaleString('en-US')} failed</span>}
        {live && perSecond > 0 && <span>{rate(perSecond)}</span>}
        {etaMs !== null && <span>ETA {duration(etaMs)}</span>}
      </span>
    </div>
  );
}
