import type { Job } from '../../../src/client/types.ts';
import { clean } from '../format.ts';
import { href } from '../router.ts';

/** A job's name as a link to its page; the name is job data, so it is shown as cleaned text. */
export function JobLink({ job }: { job: Pick<Job, 'id' | 'name'> }) {
  const name = clean(job.name).trim() || job.id;
  return (
    <a class="job-name" href={href(['jobs', job.id])} title={job.id}>
      {name}
    </a>
  );
}
