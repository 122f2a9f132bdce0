/**
 * The zod schemas of the public API: response shapes (documentation and test contracts) and the
 * query parsers every route validates with. The same objects feed `/api/v1/openapi.json`, so the
 * document cannot drift from what the routes accept.
 *
 * Response schemas are not run on every response (that would cost a few µs per job on a hot list
 * path); the tests parse real responses with them instead.
 */
import { z } from 'zod';
import {
  AttemptSchema,
  ItemSchema,
  JobDetailSchema,
  JobSchema,
  LogEntrySchema,
  ms,
  ProgressSchema,
  StepSchema,
} from '../core/job-schema.ts';
import { INPUT_PATH_MAX_SEGMENTS, INPUT_PATH_SEGMENT } from '../store/input-filter.ts';

/** A job's public shape lives in core/job-schema.ts; the API documents and tests with it. */
export { AttemptSchema, ItemSchema, JobDetailSchema, JobSchema, LogEntrySchema, ProgressSchema, StepSchema };

export const CancelResultSchema = z
  .object({ id: z.string(), status: z.literal('cancelled') })
  .meta({ id: 'CancelResult' });

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.array(z.object({ path: z.string().optional(), message: z.string() }).loose()).optional(),
    }),
  })
  .meta({ id: 'Error' });

export const JobTypeSchema = z
  .object({
    type: z.string(),
    category: z.string(),
    description: z.string().nullable(),
    inputSchema: z.unknown().describe('JSON Schema of the input'),
    maxAttempts: z.number().int(),
    timeoutMs: z.number().int().nullable(),
    partialRetry: z.boolean().describe('retries may rerun only the failed items (`only: "failed-items"`)'),
    concurrency: z
      .object({ limit: z.number().int(), perKey: z.boolean() })
      .nullable()
      .describe(
        'declared in code: at most `limit` running per type, or per key of a workspace when `perKey`',
      ),
    paused: z.boolean().describe('paused in this workspace: pending jobs are not claimed'),
    pausedAt: z.number().int().nullable(),
    pausedBy: z.string().nullable().describe('the name of the API key that paused it'),
  })
  .meta({ id: 'JobType' });

export const StatsSchema = z
  .object({
    total: z.number().int(),
    byStatus: z.record(z.string(), z.number().int()),
    byCategory: z.record(z.string(), z.record(z.string(), z.number().int())),
  })
  .meta({ id: 'Stats' });

export const TimeseriesSchema = z
  .object({
    window: z.enum(['1h', '24h']),
    bucketMs: z.number().int(),
    since: z.number().int().describe('start of the first bucket in the window, ms epoch'),
    buckets: z.array(
      z.object({
        start: z.number().int(),
        completed: z.number().int(),
        failed: z.number().int(),
        cancelled: z.number().int(),
      }),
    ),
  })
  .meta({ id: 'Timeseries' });

export const SCOPES = ['read', 'write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export const ApiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    workspace: z.string(),
    scope: z.enum(SCOPES),
    prefix: z.string(),
    createdAt: ms,
    revokedAt: ms.nullable(),
    lastUsedAt: ms.nullable(),
  })
  .meta({ id: 'ApiKey' });

export const CreatedApiKeySchema = ApiKeySchema.extend({
  key: z.string().describe('the secret; shown only in this response'),
}).meta({ id: 'CreatedApiKey' });

// ---- request parsers ----------------------------------------------------------------------

/**
 * A comma list of allowed values (`status=pending,running`). The error names every allowed value,
 * as the contract requires, both in the message and in `details[].allowed`.
 */
export function commaList<T extends string>(name: string, allowed: readonly T[]) {
  const help = `${name} must be one or more of ${allowed.join(', ')} (comma-separated)`;
  return z
    .string()
    .describe(`comma-separated; any of: ${allowed.join(', ')}`)
    .transform((raw, ctx) => {
      const values = raw.split(',').map((s) => s.trim());
      const bad = values.filter((v) => !(allowed as readonly string[]).includes(v));
      if (bad.length > 0) {
        ctx.addIssue({ code: 'custom', message: help, params: { allowed, got: bad } });
        return z.NEVER;
      }
      return [...new Set(values)] as T[];
    });
}

/** An integer query parameter in `[min, max]`; never clamped: out of range is a 400. */
export function intParam(name: string, min: number, max: number) {
  const help = `${name} must be an integer from ${min} to ${max}`;
  return z
    .string()
    .describe(`integer, ${min}–${max}`)
    .transform((raw, ctx) => {
      const n = /^\d{1,16}$/.test(raw) ? Number(raw) : Number.NaN;
      if (!Number.isSafeInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: help, params: { allowed: `${min}-${max}` } });
        return z.NEVER;
      }
      return n;
    });
}

/**
 * Client text that reaches a text column or a lookup. PostgreSQL text cannot hold NUL (a query
 * carrying one fails outright), so neither backend accepts it from a client: a 400 on both, not a
 * 404 on one and a 500 on the other.
 */
export function clientText(max: number) {
  return z
    .string()
    .min(1)
    .max(max)
    .refine((s) => !s.includes('\u0000'), 'must not contain NUL (U+0000)');
}

const ID_MAX_LENGTH = 200;

/** The path parameter `:id` of every route that names a job or key. */
export const IdParams = z.strictObject({ id: clientText(ID_MAX_LENGTH) });

const PLAIN_ID = new RegExp(`^[0-9A-Za-z_-]{1,${ID_MAX_LENGTH}}$`);

/**
 * Whether a path segment, exactly as it arrived, is an id `IdParams` takes with no URL decoding
 * (every id Longrun generates is). Such a segment also holds no `?`, `/` or `%`. The direct path
 * (direct.ts) serves only these and leaves the rest to Hono, which decodes and validates.
 */
export function isPlainId(segment: string): boolean {
  return PLAIN_ID.test(segment);
}

const MAX_INPUT_FILTERS = 4;

/** `input.bucketId` → ['bucketId']; null unless every field name is one the store takes. */
function inputPath(name: string): string[] | null {
  if (!name.startsWith('input.')) return null;
  const path = name.slice('input.'.length).split('.');
  const ok = path.length <= INPUT_PATH_MAX_SEGMENTS && path.every((s) => INPUT_PATH_SEGMENT.test(s));
  return ok ? path : null;
}

/**
 * Splits a list query into its named parameters and its `input.…` filters, refusing any other name
 * (a typo stays a 400, as on a strict schema). The values were checked by the schema's catchall.
 */
export function inputFilters(known: string[]) {
  return <Q extends Record<string, unknown>>(query: Q, ctx: z.RefinementCtx) => {
    const input: { path: string[]; value: string }[] = [];
    const rest: Record<string, unknown> = {};
    const unknown: string[] = [];
    for (const [name, value] of Object.entries(query)) {
      if (known.includes(name)) rest[name] = value;
      else {
        const path = inputPath(name);
        if (path) input.push({ path, value: String(value) });
        else unknown.push(name);
      }
    }
    if (unknown.length > 0) ctx.addIssue({ code: 'unrecognized_keys', keys: unknown, input: query });
    if (input.length > MAX_INPUT_FILTERS)
      ctx.addIssue({
        code: 'custom',
        path: ['input'],
        message: `at most ${MAX_INPUT_FILTERS} input.… filters`,
      });
    return { ...(rest as { [K in keyof Q]: Q[K] }), input };
  };
}
