/**
 * A job's public JSON form (DESIGN.md §2): what the API returns for a job and its detail, and what
 * every client reads. Fields are picked one by one so nothing internal (workspaceId, runAt,
 * priority, lease data, a step's resume state) leaks by accident when the engine grows a field.
 * Stores that write this JSON themselves (`Store.jobListJson`, `Store.jobDetailJson`) are held to
 * these functions by the conformance suite.
 *
 * ```ts
 * JSON.stringify(toJobJson(job)); // {"id":"…","name":"…","type":"…","category":"seo",…}
 * jobsJsonText(jobs) === JSON.stringify(jobs.map(toJobJson)); // true, byte for byte
 * ```
 */
import type { Job, JobDetail, LogEntry, StepRecord } from './job.ts';

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
    cancelledBy: j.cancelledBy,
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
      `"cancelRequestedAt":${num(j.cancelRequestedAt)},` +
      `"cancelledBy":${j.cancelledBy === null ? 'null' : str(j.cancelledBy)},"error":${
        j.error ? `{"code":${str(j.error.code)},"message":${str(j.error.message)}}` : 'null'
      }}`;
  }
  return `${out}]`;
}

export function toLogJson(l: LogEntry) {
  return {
    id: l.id,
    timestamp: l.timestamp,
    level: l.level,
    message: l.message,
    step: l.step,
    attempt: l.attempt,
  };
}

/** A step's stored result is the handler's resume state, not public output: it is left out. */
function toStepJson(s: StepRecord) {
  return {
    name: s.name,
    status: s.status,
    attempt: s.attempt,
    startedAt: s.startedAt,
    completedAt: s.completedAt,
  };
}

/**
 * A job with its input, result, newest logs, steps and attempts: `GET /api/v1/jobs/:id`, and the
 * SSE snapshot (which leaves out log lines after `maxLogId`, its resume point).
 *
 * Object.assign rather than `{ ...toJobJson(d), … }`: on Node 20's V8, a loop that builds objects
 * by spread promotes megabytes out of the young generation per scavenge where Object.assign
 * promotes nothing (`--trace-gc-nvp`). Under load that stretched every scavenge to 5–15 ms, which
 * was this endpoint's whole p99. The same holds wherever a hot path builds an object.
 */
export function toJobDetailJson(d: JobDetail, opts: { maxLogId?: number } = {}) {
  const logs = opts.maxLogId === undefined ? d.logs : d.logs.filter((l) => l.id <= opts.maxLogId!);
  return Object.assign(toJobJson(d), {
    input: d.input,
    result: d.result,
    logs: logs.map(toLogJson),
    logsTotal: d.logsTotal,
    steps: d.steps.map(toStepJson),
    attempts: d.attempts.map((a) => ({
      attempt: a.attempt,
      workerId: a.workerId,
      startedAt: a.startedAt,
      endedAt: a.endedAt,
      outcome: a.outcome,
      error: a.error,
    })),
  });
}
