/** A job's header: name, status, timings, attempt N of M, cancel state, error, and Cancel. */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { JobDetail } from '../../../src/client/types.ts';
import { client, serverNow } from '../api.ts';
import { Confirm } from '../components/Confirm.tsx';
import { StatusBadge } from '../components/Status.tsx';
import { clean, clock, count, duration } from '../format.ts';
import { tick } from '../live.ts';
import { href } from '../router.ts';
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
        {job.cancelRequestedAt !== null && (
          <Fact label="Cancel requested">
            {clock(job.cancelRequestedAt)}
            {job.cancelledBy ? ` by ${clean(job.cancelledBy)}` : ''}
            {stopping ? ' · the step in flight is finishing' : ''}
          </Fact>
        )}
      </dl>
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
