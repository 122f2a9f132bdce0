/**
 * Job types are defined in code and collected in a registry that rejects duplicate types and
 * categories outside the configured set.
 *
 * ```ts
 * const publish = defineJob({
 *   type: 'seo.publish', category: 'seo',
 *   input: z.strictObject({ entityIds: z.array(z.string()) }),
 *   async run(ctx, input) {
 *     await ctx.each('publish', input.entityIds, { key: (id) => id }, async (id) => publishOne(id));
 *   },
 * });
 * ```
 */
import { z } from 'zod';
import { DEFAULT_CATEGORIES } from '../core/categories.ts';
import { LongrunError } from '../core/errors.ts';
import {
  CATCH_UP_MODES,
  type CatchUpMode,
  OVERLAP_MODES,
  type OverlapMode,
  parseCron,
} from '../core/schedule.ts';
import type { ClaimLimit } from '../store/types.ts';
import { type ConcurrencyOption, checkConcurrency, claimLimitOf } from './concurrency.ts';
import type { JobContext } from './context.ts';
import { zodIssuesToDetails } from './enqueue.ts';

export interface RetryPolicy {
  /** Attempts in all, the first included (default 3). */
  maxAttempts?: number;
  /** First backoff delay (default 1,000 ms); doubles each attempt up to `maxDelayMs`, with jitter. */
  baseDelayMs?: number;
  maxDelayMs?: number;
}

export interface JobDefinition<I = unknown, R = unknown> {
  type: string;
  category: string;
  description?: string;
  input: z.ZodType<I>;
  name?: (input: I) => string;
  retry?: RetryPolicy;
  /** Per-attempt timeout; the attempt ends as `timed_out` and retries if it has attempts left. */
  timeoutMs?: number;
  /**
   * Opts in to `POST /api/v1/jobs/:id/retry` with `{ "only": "failed-items" }`: a retry whose
   * `ctx.each` runs only the items the retried job left unfinished (core/retry.ts). Set it when
   * the item keys are stable across runs (the same entity gets the same key) and running some
   * items without the others is meaningful. Without it such a retry answers 409.
   */
  partialRetry?: boolean;
  /**
   * At most this many jobs of the type run at once across every worker, process and machine
   * (a number), or at most `limit` per key of a workspace (`{ key, limit }`). See concurrency.ts.
   */
  concurrency?: ConcurrencyOption<I>;
  run: (ctx: JobContext, input: I) => Promise<R>;
  /**
   * Runs this type on a cron schedule: every worker start upserts it as the stored schedule
   * `code-<type>` in the default workspace (docs/operations.md, "Schedules").
   */
  schedule?: CodeSchedule<I>;
}

export interface CodeSchedule<I = unknown> {
  /** Five fields: minute hour day-of-month month day-of-week. */
  cron: string;
  /** An IANA time zone, e.g. `Europe/Berlin`; default `UTC`. */
  timezone?: string;
  /** The input of every fired job (default `{}`), checked against the type's schema. */
  input?: I;
  /** Default `skip`. */
  overlap?: OverlapMode;
  /** Default `none`. */
  catchUp?: CatchUpMode;
}

// biome-ignore lint/suspicious/noExplicitAny: a registry holds definitions of every input type.
export type AnyJobDefinition = JobDefinition<any, unknown>;

export function defineJob<I, R>(def: JobDefinition<I, R>): JobDefinition<I, R> {
  if (!/^[a-z0-9][a-z0-9._-]{0,99}$/i.test(def.type)) {
    throw new LongrunError(
      'invalid_input',
      `job type "${def.type}" must be 1-100 letters, digits, '.', '_' or '-'`,
    );
  }
  checkConcurrency(def.type, def.concurrency);
  if (def.schedule) checkCodeSchedule(def);
  return def;
}

/** A code schedule that cannot work fails where it is written, not at the first worker start. */
function checkCodeSchedule(def: AnyJobDefinition): void {
  const s = def.schedule as CodeSchedule;
  const where = `job type "${def.type}": schedule`;
  try {
    parseCron({ cron: s.cron, timezone: s.timezone ?? 'UTC' });
  } catch (err) {
    throw new LongrunError('invalid_input', `${where}.${(err as Error).message}`, { cause: err });
  }
  if (s.overlap !== undefined && !OVERLAP_MODES.includes(s.overlap))
    throw new LongrunError('invalid_input', `${where}.overlap must be one of ${OVERLAP_MODES.join(', ')}`);
  if (s.catchUp !== undefined && !CATCH_UP_MODES.includes(s.catchUp))
    throw new LongrunError('invalid_input', `${where}.catchUp must be one of ${CATCH_UP_MODES.join(', ')}`);
  const parsed = def.input.safeParse(s.input ?? {});
  if (!parsed.success)
    throw new LongrunError('invalid_input', `${where}.input is invalid for the type's schema`, {
      details: zodIssuesToDetails(parsed.error.issues, 'schedule.input'),
    });
}

export interface JobTypeInfo {
  type: string;
  category: string;
  description: string | null;
  inputSchema: unknown;
  maxAttempts: number;
  timeoutMs: number | null;
  /** Whether `POST /api/v1/jobs/:id/retry` takes `only: "failed-items"` for this type. */
  partialRetry: boolean;
  /** The type's concurrency limit, or null: `perKey` when it counts per key (`concurrency.key`). */
  concurrency: { limit: number; perKey: boolean } | null;
}

export class JobRegistry {
  private readonly defs = new Map<string, AnyJobDefinition>();
  /** `describe()`'s answer, kept until the next `register`: a JSON Schema per type is not free. */
  private described: readonly JobTypeInfo[] | null = null;
  private limits: ClaimLimit[] | null = null;
  readonly categories: readonly string[];

  constructor(opts: { categories?: readonly string[]; jobs?: AnyJobDefinition[] } = {}) {
    this.categories = opts.categories ?? DEFAULT_CATEGORIES;
    for (const def of opts.jobs ?? []) this.register(def);
  }

  register(def: AnyJobDefinition): void {
    if (this.defs.has(def.type)) {
      throw new LongrunError('duplicate_job_type', `job type "${def.type}" is already registered`);
    }
    if (!this.categories.includes(def.category)) {
      throw new LongrunError(
        'unknown_category',
        `job type "${def.type}" has category "${def.category}"; configured categories: ${this.categories.join(', ')}`,
      );
    }
    checkConcurrency(def.type, def.concurrency);
    this.defs.set(def.type, def);
    this.described = null;
    this.limits = null;
  }

  get(type: string): AnyJobDefinition | undefined {
    return this.defs.get(type);
  }

  require(type: string): AnyJobDefinition {
    const def = this.defs.get(type);
    if (!def) {
      throw new LongrunError('unknown_job_type', `unknown job type "${type}"`, {
        details: [
          { path: 'type', message: `registered types: ${[...this.defs.keys()].join(', ') || '(none)'}` },
        ],
      });
    }
    return def;
  }

  types(): string[] {
    return [...this.defs.keys()];
  }

  describe(): readonly JobTypeInfo[] {
    this.described ??= [...this.defs.values()].map((d) => ({
      type: d.type,
      category: d.category,
      description: d.description ?? null,
      // The schema a client must send, so a field with a default is optional (the output side,
      // zod's default, would list it as required).
      inputSchema: z.toJSONSchema(d.input, { io: 'input', unrepresentable: 'any' }),
      maxAttempts: d.retry?.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      timeoutMs: d.timeoutMs ?? null,
      partialRetry: d.partialRetry === true,
      concurrency: limitInfo(claimLimitOf(d)),
    }));
    return this.described;
  }

  /** The limits a worker's claims carry, one per limited type; empty when no type has one. */
  claimLimits(): ClaimLimit[] {
    this.limits ??= [...this.defs.values()].flatMap((d) => claimLimitOf(d) ?? []);
    return this.limits;
  }
}

export const DEFAULT_MAX_ATTEMPTS = 3;

const limitInfo = (l: ClaimLimit | null) => (l ? { limit: l.limit, perKey: l.perKey } : null);

/** Exponential backoff with full jitter over the upper half: delay ∈ [cap/2, cap]. */
export function retryDelay(policy: RetryPolicy | undefined, attempt: number, random = Math.random): number {
  const base = policy?.baseDelayMs ?? 1_000;
  const max = policy?.maxDelayMs ?? 5 * 60_000;
  const cap = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  return Math.round(cap / 2 + random() * (cap / 2));
}
