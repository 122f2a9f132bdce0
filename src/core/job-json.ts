/**
 * A job's public JSON form (docs/api.md): what the API returns for a job and its detail, and what
 * every client reads. The fields are the schemas' in core/job-schema.ts, picked in their order, so
 * nothing internal (workspaceId, lease data, a step's resume state) leaks when the
 * engine grows a field, and a public field is added in the schema alone. Stores that write this
 * JSON themselves (`Store.jobListJson`, `Store.jobDetailJson`) are held byte-equal to
 * `JSON.stringify` of these functions by the conformance suite.
 *
 * ```ts
 * JSON.stringify(toJobJson(job)); // {"id":"…","name":"…","type":"…","category":"seo",…}
 * ```
 */
import { z } from 'zod';
import type { Job, JobDetail, LogEntry } from './job.ts';
import {
  type JobDetailJson,
  JobDetailSchema,
  type JobJson,
  JobSchema,
  type LogEntryJson,
  LogEntrySchema,
} from './job-schema.ts';

type Pick = (v: unknown) => unknown;

/**
 * A function that copies from a value exactly the fields `schema` declares, in its order, down
 * through nested objects, arrays and nullables; anything else is copied as it is. Built once per
 * schema. Fields are assigned one by one rather than spread: on Node 20's V8 a loop that builds
 * objects by spread promotes megabytes out of the young generation per scavenge, which under load
 * was a detail endpoint's whole p99.
 */
function pickerOf(schema: z.core.$ZodType): Pick {
  if (schema instanceof z.ZodNullable) {
    const inner = pickerOf(schema.unwrap());
    return (v) => (v === null || v === undefined ? v : inner(v));
  }
  if (schema instanceof z.ZodArray) {
    const element = pickerOf(schema.element);
    return (v) => (v as unknown[]).map(element);
  }
  if (schema instanceof z.ZodObject) {
    const keys = Object.keys(schema.shape);
    const picks = keys.map((k) => pickerOf(schema.shape[k] as z.core.$ZodType));
    return (v) => {
      const from = v as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i] as string;
        out[k] = (picks[i] as Pick)(from[k]);
      }
      return out;
    };
  }
  return (v) => v;
}

const pickJob = pickerOf(JobSchema);
const pickDetail = pickerOf(JobDetailSchema);
const pickLog = pickerOf(LogEntrySchema);

export function toJobJson(j: Job): JobJson {
  return pickJob(j) as JobJson;
}

export function toLogJson(l: LogEntry): LogEntryJson {
  return pickLog(l) as LogEntryJson;
}

/**
 * A job with its input, result, newest logs, steps (without their stored results: a step's result
 * is the handler's resume state, not public output) and attempts: `GET /api/v1/jobs/:id`, and the
 * SSE snapshot (which leaves out log lines after `maxLogId`, its resume point).
 */
export function toJobDetailJson(d: JobDetail, opts: { maxLogId?: number } = {}): JobDetailJson {
  const out = pickDetail(d) as JobDetailJson;
  if (opts.maxLogId !== undefined) out.logs = out.logs.filter((l) => l.id <= opts.maxLogId!);
  return out;
}
