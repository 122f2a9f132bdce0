/**
 * A job's public JSON form (DESIGN.md §2): what the API returns for a job and what every client
 * reads. Fields are picked one by one so nothing internal (workspaceId, runAt, priority, lease data)
 * leaks by accident when the engine grows a field. Stores that write this JSON themselves
 * (`Store.jobListJson`) are held to `toJobJson` by the conformance suite.
 *
 * ```ts
 * JSON.stringify(toJobJson(job)); // {"id":"…","name":"…","type":"…","category":"seo",…}
 * jobsJsonText(jobs) === JSON.stringify(jobs.map(toJobJson)); // true, byte for byte
 * ```
 */
import type { Job } from './job.ts';

export function toJobJson(j: Job) {
  return {
    id: j.id,
    name: j.name,
    type: j.type,
    category: j.category,
    status: j.status,
    progress: { total: j.progress.total, completed: j.progress.completed, failed: j.progress.failed },
    createdAt: j.createdAt,
    completedAt: j.completedAt,
    startedAt: j.startedAt,
    updatedAt: j.updatedAt,
    attempt: j.attempt,
    maxAttempts: j.maxAttempts,
    currentStep: j.currentStep,
    cancelRequestedAt: j.cancelRequestedAt,
    error: j.error ? { code: j.error.code, message: j.error.message } : null,
  };
}

const str = JSON.stringify;
/** A number as JSON.stringify writes it (null for NaN and the infinities). */
function num(n: number | null): string {
  return n !== null && Number.isFinite(n) ? String(n) : 'null';
}

/**
 * The JSON text of `jobs.map(toJobJson)`, byte for byte (a test holds it to that), written field by
 * field: a list page is 20 jobs on every request, and the generic stringify of the intermediate
 * objects cost about a third more.
 */
export function jobsJsonText(jobs: readonly Job[]): string {
  let out = '[';
  for (let i = 0; i < jobs.length; i++) {
    const j = jobs[i] as Job;
    if (i > 0) out += ',';
    out +=
      `{"id":${str(j.id)},"name":${str(j.name)},"type":${str(j.type)},"category":${str(j.category)},` +
      `"status":${str(j.status)},"progress":{"total":${num(j.progress.total)},"completed":${num(j.progress.completed)},` +
      `"failed":${num(j.progress.failed)}},"createdAt":${num(j.createdAt)},"completedAt":${num(j.completedAt)},` +
      `"startedAt":${num(j.startedAt)},"updatedAt":${num(j.updatedAt)},"attempt":${num(j.attempt)},` +
      `"maxAttempts":${num(j.maxAttempts)},"currentStep":${j.currentStep === null ? 'null' : str(j.currentStep)},` +
      `"cancelRequestedAt":${num(j.cancelRequestedAt)},"error":${
        j.error ? `{"code":${str(j.error.code)},"message":${str(j.error.message)}}` : 'null'
      }}`;
  }
  return `${out}]`;
}
