/**
 * A job's public JSON shape, once: the API validates and documents with these schemas (and
 * `/api/v1/openapi.json` is generated from them), core/job-json.ts serialises by them, SQLite's
 * JSON-writing SQL is built from their field lists, and the client's types are inferred from them.
 * Adding a public field is an edit here plus the stores' columns; the conformance suite holds every
 * store-built JSON byte-equal to the serialisation these schemas define.
 *
 * ```ts
 * type Job = z.infer<typeof JobSchema>;
 * Object.keys(JobSchema.shape); // ['id', 'name', 'type', …]: also the order of the JSON's fields
 * ```
 */
import { z } from 'zod';
import { LOG_LEVELS } from './job.ts';
import { ATTEMPT_OUTCOMES, JOB_STATUSES } from './status.ts';

export const ms = z.number().int().describe('milliseconds since the Unix epoch');

export const ProgressSchema = z
  .object({ total: z.number().int(), completed: z.number().int(), failed: z.number().int() })
  .meta({ id: 'Progress' });

/** The Jobs API's job fields (docs/api.md); `workspaceId` and the lease stay internal. */
export const JobSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    type: z.string(),
    category: z.string(),
    status: z.enum(JOB_STATUSES),
    progress: ProgressSchema,
    createdAt: ms,
    completedAt: ms.nullable(),
    startedAt: ms.nullable(),
    updatedAt: ms,
    attempt: z.number().int(),
    maxAttempts: z.number().int(),
    currentStep: z.string().nullable(),
    cancelRequestedAt: ms.nullable(),
    cancelledBy: z.string().nullable().describe('the name of the API key that cancelled the job'),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    priority: z.number().int().describe('claims take higher priorities first (-1,000,000 to 1,000,000)'),
    runAt: ms.describe('when the job is due: not claimed before; a retry after a failed attempt moves it'),
    retryOf: z.string().nullable().describe('the job this one retries (POST /api/v1/jobs/:id/retry)'),
    retryOnly: z
      .enum(['failed-items'])
      .nullable()
      .describe('failed-items: reruns only the items the retried job left unfinished'),
    scheduleId: z.string().nullable().describe('the schedule whose fire enqueued the job'),
  })
  .meta({ id: 'Job' });

export const LogEntrySchema = z
  .object({
    id: z.number().int().describe('event id; pass it as `after` to page on'),
    timestamp: ms,
    level: z.enum(LOG_LEVELS),
    message: z.string(),
    step: z.string().nullable(),
    attempt: z.number().int(),
  })
  .meta({ id: 'LogEntry' });

export const StepSchema = z
  .object({
    name: z.string(),
    status: z.enum(['running', 'completed', 'failed']),
    attempt: z.number().int(),
    startedAt: ms,
    completedAt: ms.nullable(),
  })
  .meta({ id: 'Step' });

export const AttemptSchema = z
  .object({
    attempt: z.number().int(),
    workerId: z.string().nullable(),
    startedAt: ms,
    endedAt: ms.nullable(),
    outcome: z.enum(ATTEMPT_OUTCOMES).nullable(),
    error: z.string().nullable(),
  })
  .meta({ id: 'Attempt' });

export const JobDetailSchema = JobSchema.extend({
  input: z.unknown(),
  result: z.unknown(),
  logs: z.array(LogEntrySchema).describe('chronological; the newest 1,000 lines at most'),
  logsTotal: z.number().int(),
  steps: z.array(StepSchema),
  attempts: z.array(AttemptSchema),
}).meta({ id: 'JobDetail' });

export const ItemSchema = z
  .object({
    step: z.string(),
    key: z.string(),
    status: z.enum(['completed', 'failed']),
    error: z.string().nullable(),
    attempt: z.number().int(),
    updatedAt: ms,
  })
  .meta({ id: 'Item' });

export type JobJson = z.infer<typeof JobSchema>;
export type JobDetailJson = z.infer<typeof JobDetailSchema>;
export type LogEntryJson = z.infer<typeof LogEntrySchema>;
export type StepJson = z.infer<typeof StepSchema>;
export type AttemptJson = z.infer<typeof AttemptSchema>;
export type ItemJson = z.infer<typeof ItemSchema>;
