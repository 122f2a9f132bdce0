/**
 * One job, live: its event stream (`GET /api/v1/jobs/:id/events`) brings the job as a snapshot,
 * then every progress, step, status and log event until the job is over. When it ends, the job is
 * read once more for what events do not carry (attempts' outcomes, the result).
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { JobDetail, LogEntry } from '../../../src/client/types.ts';
import { client, errorText, LongrunApiError } from '../api.ts';
import { Json } from '../components/Json.tsx';
import { ProgressBar, recordProgress } from '../components/Progress.tsx';
import { applyEvent } from '../jobs-live.ts';
import { jobStreams } from '../live.ts';
import { LogBuffer } from '../log-buffer.ts';
import { FailedItems } from './FailedItems.tsx';
import { JobHeader } from './JobHeader.tsx';
import { LogViewer } from './LogViewer.tsx';
import { Attempts, Steps } from './StepsAttempts.tsx';

type Step = JobDetail['steps'][number];

function applyStep(job: JobDetail, name: string, status: Step['status'], at: number): JobDetail {
  const steps = job.steps.slice();
  const i = steps.findIndex((s) => s.name === name && s.attempt === job.attempt);
  const done = status === 'running' ? null : at;
  if (i < 0) steps.push({ name, status, attempt: job.attempt, startedAt: at, completedAt: done });
  else steps[i] = { ...(steps[i] as Step), status, completedAt: done };
  return { ...job, steps };
}

export function JobView({ id }: { id: string }) {
  const [job, setJob] = useState<JobDetail | null>(null);
  const [error, setError] = useState<{ text: string; notFound: boolean } | null>(null);
  const buffer = useMemo(() => new LogBuffer(id), [id]);

  useEffect(() => {
    const ctrl = new AbortController();
    const refetch = async () => {
      const { logs: _logs, ...fresh } = await client.getJob(id);
      if (!ctrl.signal.aborted) setJob((cur) => (cur ? { ...cur, ...fresh } : cur));
    };
    (async () => {
      let changed = false;
      jobStreams.value++;
      try {
        for await (const e of client.jobEvents(id, { signal: ctrl.signal })) {
          if (e.event !== 'snapshot') changed = true;
          if (e.event === 'snapshot') {
            const d = e.data as unknown as JobDetail;
            recordProgress(d);
            buffer.init(d.logs, d.logsTotal);
            setJob(d);
          } else if (e.event === 'log') {
            buffer.append(e.data as unknown as LogEntry);
          } else if (e.event === 'step') {
            const { name, status, timestamp } = e.data as {
              name: string;
              status: Step['status'];
              timestamp: number;
            };
            setJob((cur) =>
              cur ? applyStep({ ...cur, ...applyEvent(cur, e) }, name, status, timestamp) : cur,
            );
          } else if (e.event === 'end') {
            if (changed) await refetch();
          } else {
            setJob((cur) => (cur ? { ...cur, ...applyEvent(cur, e) } : cur));
          }
        }
      } catch (err) {
        if (!ctrl.signal.aborted)
          setError({ text: errorText(err), notFound: err instanceof LongrunApiError && err.status === 404 });
      } finally {
        jobStreams.value--;
      }
    })();
    return () => {
      ctrl.abort();
      buffer.stop();
    };
  }, [id, buffer]);

  if (error?.notFound)
    return (
      <p>
        No job has the id <code>{id}</code> in this workspace. <a href="#/jobs">Back to the jobs</a>.
      </p>
    );
  if (!job) return error ? <p class="error">{error.text}</p> : <p class="muted">Loading…</p>;
  return (
    <article class="job" aria-labelledby="job-title">
      <JobHeader job={job} />
      {error && (
        <p class="error" role="alert">
          Live updates stopped: {error.text}. Reload the page to resume.
        </p>
      )}
      <section class="panel" aria-label="Progress">
        <ProgressBar job={job} label="Job progress" />
      </section>
      <div class="two-col">
        <section class="panel">
          <h2>Steps</h2>
          <Steps job={job} />
        </section>
        <section class="panel">
          <h2>Attempts</h2>
          <Attempts job={job} />
        </section>
      </div>
      <section class="panel">
        <h2>Log</h2>
        <LogViewer buffer={buffer} jobId={id} />
      </section>
      <section class="panel">
        <h2>Failed items</h2>
        <FailedItems jobId={id} failed={job.progress.failed} />
      </section>
      <div class="two-col">
        <section class="panel">
          <Json label="Input" value={job.input} />
        </section>
        <section class="panel">
          <Json label="Result" value={job.result} />
        </section>
      </div>
    </article>
  );
}
