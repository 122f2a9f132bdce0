/**
 * Engine objects → API JSON. A job's own fields are core's `toJobJson` (shared with the stores that
 * write that JSON directly); the detail adds its logs, steps and attempts here, again field by field
 * so nothing internal leaks when the engine grows a field.
 */
import type { JobDetail, LogEntry, StepRecord } from '../core/job.ts';
import { toJobJson } from '../core/job-json.ts';

export function toApiLog(l: LogEntry) {
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
function toApiStep(s: StepRecord) {
  return {
    name: s.name,
    status: s.status,
    attempt: s.attempt,
    startedAt: s.startedAt,
    completedAt: s.completedAt,
  };
}

/**
 * Object.assign rather than `{ ...toJobJson(d), … }`: on Node 20's V8, a loop that builds objects
 * by spread promotes megabytes out of the young generation per scavenge where Object.assign
 * promotes nothing (`--trace-gc-nvp`). Under load that stretched every scavenge to 5–15 ms, which
 * was this endpoint's whole p99. The same holds wherever a hot path builds an object.
 */
export function toApiDetail(d: JobDetail, opts: { maxLogId?: number } = {}) {
  const logs = opts.maxLogId === undefined ? d.logs : d.logs.filter((l) => l.id <= opts.maxLogId!);
  return Object.assign(toJobJson(d), {
    input: d.input,
    result: d.result,
    logs: logs.map(toApiLog),
    logsTotal: d.logsTotal,
    steps: d.steps.map(toApiStep),
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
