/** Cancel the selected jobs, after a confirmation that says what cancel does and does not do. */
import { useState } from 'preact/hooks';
import type { Job } from '../../../src/client/types.ts';
import { client, LongrunApiError } from '../api.ts';
import { Confirm } from '../components/Confirm.tsx';
import { count } from '../format.ts';

const CANCELLABLE = new Set(['pending', 'running']);

/** `onDone` gets a summary line once every cancel has been answered. */
export function BulkCancel({ jobs, onDone }: { jobs: Job[]; onDone: (summary: string) => void }) {
  const [open, setOpen] = useState(false);
  const targets = jobs.filter((j) => CANCELLABLE.has(j.status));
  const run = async () => {
    let cancelled = 0;
    let finished = 0;
    let failed = 0;
    const queue = [...targets];
    // Four at a time: quick for a page of jobs without a burst against the rate limit.
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let j = queue.shift(); j; j = queue.shift()) {
          try {
            await client.cancelJob(j.id);
            cancelled++;
          } catch (err) {
            if (err instanceof LongrunApiError && err.status === 409) finished++;
            else failed++;
          }
        }
      }),
    );
    const parts = [`Cancelled ${count(cancelled)}`];
    if (finished) parts.push(`${count(finished)} had already finished`);
    if (failed) parts.push(`${count(failed)} could not be cancelled`);
    onDone(`${parts.join('; ')}.`);
  };
  return (
    <section class="bulk" aria-label="Selected jobs">
      <span>
        {count(jobs.length)} selected
        {targets.length < jobs.length ? `, ${count(targets.length)} of them pending or running` : ''}
      </span>
      <button type="button" class="danger" disabled={targets.length === 0} onClick={() => setOpen(true)}>
        Cancel {count(targets.length)} {targets.length === 1 ? 'job' : 'jobs'}
      </button>
      {open && (
        <Confirm
          title={`Cancel ${count(targets.length)} ${targets.length === 1 ? 'job' : 'jobs'}?`}
          confirmLabel="Cancel jobs"
          danger
          onConfirm={run}
          onClose={() => setOpen(false)}
        >
          <p>Pending jobs will never run.</p>
          <p>
            Running jobs stop after the step or item in flight finishes. Nothing already done is rolled back:
            items completed so far stay completed.
          </p>
        </Confirm>
      )}
    </section>
  );
}
