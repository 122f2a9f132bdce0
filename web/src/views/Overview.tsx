/** Counts by status × category, the finished-jobs chart, and the running jobs with live bars. */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Job } from '../../../src/client/types.ts';
import { client, listJobs, timeseries } from '../api.ts';
import { JobLink } from '../components/JobLink.tsx';
import { ProgressBar } from '../components/Progress.tsx';
import { useLoad } from '../hooks.ts';
import { applyToList } from '../jobs-live.ts';
import { throttle, useWorkspaceEvents } from '../live.ts';
import { href } from '../router.ts';
import { Chart } from './Chart.tsx';
import { CountsTable } from './CountsTable.tsx';

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

export function OverviewView() {
  const [span, setSpan] = useState<'1h' | '24h'>('1h');
  const stats = useLoad(() => client.stats(), []);
  const series = useLoad(() => timeseries(span), [span]);
  const running = useLoad(() => listJobs({ status: ['running'] }, 20), []);
  const [jobs, setJobs] = useState<Job[]>([]);
  useEffect(() => {
    if (running.data) setJobs(running.data.jobs);
  }, [running.data]);

  const refresh = useMemo(
    () => ({
      stats: throttle(stats.reload, 1_000),
      series: throttle(series.reload, 3_000),
      running: throttle(running.reload, 1_000),
    }),
    [stats.reload, series.reload, running.reload],
  );

  useWorkspaceEvents((e) => {
    if (e.event === 'status') {
      refresh.stats();
      refresh.running();
      if (TERMINAL.has(String(e.data.status))) refresh.series();
    } else {
      setJobs((cur) => applyToList(cur, e));
    }
  });

  return (
    <section class="overview" aria-labelledby="overview-title">
      <h1 id="overview-title">Overview</h1>
      <div class="panel">
        <h2>Jobs</h2>
        {stats.error && <p class="error">{stats.error}</p>}
        {stats.data ? <CountsTable stats={stats.data} /> : <p class="muted">Loading…</p>}
      </div>
      <div class="panel">
        <div class="panel-head">
          <h2>Finished jobs</h2>
          <fieldset class="segmented">
            <legend class="sr-only">Time window</legend>
            {(['1h', '24h'] as const).map((w) => (
              <button type="button" key={w} aria-pressed={span === w} onClick={() => setSpan(w)}>
                {w === '1h' ? 'Last hour' : 'Last 24 hours'}
              </button>
            ))}
          </fieldset>
        </div>
        {series.error && <p class="error">{series.error}</p>}
        {series.data ? <Chart data={series.data} /> : <p class="muted">Loading…</p>}
      </div>
      <div class="panel">
        <div class="panel-head">
          <h2>Running now</h2>
          <a href={href(['jobs'], { status: 'running' })}>All running jobs</a>
        </div>
        {running.error && <p class="error">{running.error}</p>}
        {running.data && jobs.length === 0 && <p class="muted">Nothing is running.</p>}
        <ul class="running">
          {jobs.map((j) => (
            <li key={j.id}>
              <JobLink job={j} />
              <span class="muted small">
                {j.type}
                {j.currentStep ? ` · ${j.currentStep}` : ''}
              </span>
              <ProgressBar job={j} label={`Progress of ${j.name}`} />
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
