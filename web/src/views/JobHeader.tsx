/**
 * A job's header: name, status, timings, attempt N of M, priority and due time, the job it retries,
 * cancel state, error, and Cancel and Retry.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { JobDetail } from '../../../src/client/types.ts';
import { client, LongrunApiError, serverNow } from '../api.ts';
import { Confirm } from '../components/Confirm.tsx';
import { StatusBadge } from '../components/Status.tsx';
import { clean, clock, count, duration } from '../format.ts';
import { tick } from '../live.ts';
import { href, navigate } from '../router.ts';
import { canWrite } from '../session.ts';

function Fact({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="fact">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

export function JobHeader({ job }: { job: JobDetail }) {
  const [confirming, setConfirming] = useState(false);
  if (job.status === 'running') void tick.value;
  const cancellable = job.status === 'pending' || job.status === 'running';
  const stopping = job.status === 'cancelled' && job.completedAt === null;
  const end = job.completedAt ?? (job.status === 'running' ? serverNow() : null);
  const done = job.progress.completed + job.progress.failed;
  const [retryError, setRetryError] = useState<string | null>(null);
  // What the server allows (core/retry.ts); it still decides, and its 409 reason is shown.
  const retryable =
    job.status === 'failed' ||
    (job.status === 'cancelled' && job.completedAt !== null) ||
    (job.status === 'completed' && job.progress.failed > 0);
  const retry = async (only?: 'failed-items') => {
    try {
      const { job: made } = await client.retryJob(job.id, { only });
      navigate(href(['jobs', made.id]));
    } catch (err) {
      setRetryError(err instanceof LongrunApiError ? err.message : String(err));
    }
  };
  return (
    <header class="job-head">
      <div class="job-title">
        <p class="crumbs">
          <a href={href(['jobs'])}>Jobs</a> / <a href={href(['jobs'], { type: job.type })}>{job.type}</a>
        </p>
        <h1 id="job-title">{clean(job.name) || job.id}</h1>
        <p class="muted small">
          <code>{job.id}</code> · {job.category}
          {job.scheduleId && (
            <span class="job-schedule">
              {' · schedule '}
              <code>{clean(job.scheduleId)}</code>
            </span>
          )}
        </p>
      </div>
      <div class="job-actions">
        <StatusBadge status={job.status} stopping={stopping} />
        {canWrite.value && retryable && (
          <button type="button" onClick={() => void retry()} title={retryError ?? undefined}>
            Retry
          </button>
        )}
        {canWrite.value && retryable && job.progress.failed > 0 && (
          <button type="button" onClick={() => void retry('failed-items')} title={retryError ?? undefined}>
            Retry failed items
          </button>
        )}
        {canWrite.value && cancellable && (
          <button type="button" class="danger" onClick={() => setConfirming(true)}>
            Cancel job
          </button>
        )}
      </div>
      <dl class="facts">
        <Fact label="Created">{clock(job.createdAt)}</Fact>
        <Fact label="Started">{clock(job.startedAt)}</Fact>
        <Fact label="Finished">
          {job.completedAt ? clock(job.completedAt) : stopping ? 'stopping…' : '—'}
        </Fact>
        <Fact label="Duration">{job.startedAt && end ? duration(end - job.startedAt) : '—'}</Fact>
        <Fact label="Attempt">
          {job.attempt} of {job.maxAttempts}
        </Fact>
        <Fact label="Step">{job.currentStep ? clean(job.currentStep) : '—'}</Fact>
        {job.priority !== 0 && <Fact label="Priority">{job.priority}</Fact>}
        {job.status === 'pending' && job.runAt > serverNow() && <Fact label="Due">{clock(job.runAt)}</Fact>}
        {job.retryOf !== null && (
          <Fact label="Retry of">
            <a href={href(['jobs', job.retryOf])}>
              <code>{job.retryOf}</code>
            </a>
            {job.retryOnly === 'failed-items' ? ' · failed items only' : ''}
          </Fact>
        )}
        {job.cancelRequestedAt !== null && (
          <Fact label="Cancel requested">
            {clock(job.cancelRequestedAt)}
            {job.cancelledBy ? ` by ${clean(job.cancelledBy)}` : ''}
            {stopping ? ' · the step in flight is finishing' : ''}
          </Fact>
        )}
      </dl>
      {retryError && (
        <p class="job-error" role="alert">
          {clean(retryError)}
        </p>
      )}
      {job.error && (
        <p class="job-error" role="note">
          <strong>{clean(job.error.code)}</strong>: {clean(job.error.message)}
        </p>
      )}
      {confirming && (
        <Confirm
          title="Cancel this job?"
          confirmLabel="Cancel job"
          danger
          onConfirm={async () => {
            await client.cancelJob(job.id);
          }}
          onClose={() => setConfirming(false)}
        >
          {job.status === 'pending' ? (
            <p>It has not started: it will never run.</p>
          ) : (
            <>
              <p>
                The job stops after the step or item in flight finishes; it starts nothing more. Nothing is
                rolled back: the {count(done)} {done === 1 ? 'item' : 'items'} processed so far stay
                processed.
              </p>
              <p>Its status becomes cancelled at once; its finish time is set when the worker has stopped.</p>
            </>
          )}
        </Confirm>
      )}
    </header>
  );
}
