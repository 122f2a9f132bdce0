/** Steps as a timeline and attempts with their outcome and reason. */
import type { JobDetail } from '../../../src/client/types.ts';
import { clean, clock, duration } from '../format.ts';

const OUTCOME_TEXT: Record<string, string> = {
  completed: 'completed',
  failed: 'failed',
  crashed: 'crashed (its worker stopped heartbeating)',
  timed_out: 'timed out',
  cancelled: 'cancelled',
  released: 'released (server shutting down)',
};

export function Steps({ job }: { job: JobDetail }) {
  if (job.steps.length === 0) return <p class="muted">No step has started.</p>;
  const over = job.completedAt !== null;
  return (
    <ol class="timeline">
      {job.steps.map((s) => {
        // A step still "running" in a job that is over was cut short (a cancel, a crash, a failure).
        const status = over && s.status === 'running' ? 'stopped' : s.status;
        return (
          <li key={`${s.attempt}:${s.name}`} class={`step-${status}`}>
            <span class="dot" aria-hidden="true" />
            <span class="step-name">{clean(s.name)}</span>
            <span class="muted small">
              {status} · attempt {s.attempt} · {clock(s.startedAt)}
              {s.completedAt ? ` · ${duration(s.completedAt - s.startedAt)}` : ''}
            </span>
          </li>
        );
      })}
    </ol>
  );
}

export function Attempts({ job }: { job: JobDetail }) {
  if (job.attempts.length === 0) return <p class="muted">Not started yet.</p>;
  return (
    <div class="table-wrap">
      <table class="attempts">
        <caption class="sr-only">Attempts</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Outcome</th>
            <th scope="col">Started</th>
            <th scope="col">Took</th>
            <th scope="col">Worker</th>
            <th scope="col">Reason</th>
          </tr>
        </thead>
        <tbody>
          {job.attempts.map((a) => (
            <tr key={a.attempt}>
              <td>{a.attempt}</td>
              <td>
                <span class={`badge outcome-${a.outcome ?? 'running'}`}>
                  {a.outcome ? (OUTCOME_TEXT[a.outcome] ?? a.outcome) : 'running'}
                </span>
              </td>
              <td>{clock(a.startedAt)}</td>
              <td>{a.endedAt ? duration(a.endedAt - a.startedAt) : '—'}</td>
              <td>
                <code>{clean(a.workerId ?? '—')}</code>
              </td>
              <td class="error-text">{clean(a.error ?? '')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
