/** The jobs list: one row per job (cards on a phone), live bars, and checkboxes for bulk cancel. */
import type { Job } from '../../../src/client/types.ts';
import { serverNow } from '../api.ts';
import { JobLink } from '../components/JobLink.tsx';
import { ProgressBar } from '../components/Progress.tsx';
import { StatusBadge } from '../components/Status.tsx';
import { ago, clean, clock, duration, shortId } from '../format.ts';
import { tick } from '../live.ts';

interface Props {
  jobs: Job[];
  selectable: boolean;
  selected: Set<string>;
  onSelect: (ids: string[], on: boolean) => void;
}

function took(j: Job): string {
  if (!j.startedAt) return '—';
  if (j.completedAt) return duration(j.completedAt - j.startedAt);
  return j.status === 'running' ? duration(serverNow() - j.startedAt) : '—';
}

export function JobsTable({ jobs, selectable, selected, onSelect }: Props) {
  const all = jobs.length > 0 && jobs.every((j) => selected.has(j.id));
  void tick.value;
  return (
    <div class="table-wrap">
      <table class="jobs">
        <caption class="sr-only">Jobs, newest first</caption>
        <thead>
          <tr>
            {selectable && (
              <th scope="col" class="check">
                <input
                  type="checkbox"
                  aria-label="Select all jobs shown"
                  checked={all}
                  onChange={(e) =>
                    onSelect(
                      jobs.map((j) => j.id),
                      e.currentTarget.checked,
                    )
                  }
                />
              </th>
            )}
            <th scope="col">Job</th>
            <th scope="col">Status</th>
            <th scope="col" class="progress-col">
              Progress
            </th>
            <th scope="col">Created</th>
            <th scope="col">Took</th>
          </tr>
        </thead>
        <tbody>
          {jobs.map((j) => (
            <tr key={j.id} data-job-id={j.id} data-status={j.status}>
              {selectable && (
                <td class="check">
                  <input
                    type="checkbox"
                    aria-label={`Select job ${shortId(j.id)}`}
                    checked={selected.has(j.id)}
                    onChange={(e) => onSelect([j.id], e.currentTarget.checked)}
                  />
                </td>
              )}
              <td class="job-cell">
                <JobLink job={j} />
                <span class="muted small">
                  {j.type} · {j.category} · <code>{shortId(j.id)}</code>
                </span>
              </td>
              <td class="status-cell">
                <StatusBadge
                  status={j.status}
                  stopping={j.status === 'cancelled' && j.completedAt === null}
                />
                {j.currentStep && j.status === 'running' && (
                  <span class="muted small step">{clean(j.currentStep)}</span>
                )}
              </td>
              <td class="progress-col">
                <ProgressBar job={j} compact label={`Progress of job ${shortId(j.id)}`} />
              </td>
              <td class="created-cell">
                <time dateTime={new Date(j.createdAt).toISOString()} title={clock(j.createdAt)}>
                  {ago(j.createdAt)}
                </time>
              </td>
              <td class="took-cell">{took(j)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
