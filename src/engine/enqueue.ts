/** Turning a typed request into store rows: input validation with field paths, names, idempotency hashes. */

import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { LongrunError } from '../core/errors.ts';
import { newJobId } from '../core/ids.ts';
import { DEFAULT_WORKSPACE } from '../core/job.ts';
import type { NewJob } from '../store/types.ts';
import { concurrencyKeyOf } from './concurrency.ts';
import { DEFAULT_MAX_ATTEMPTS, type JobRegistry } from './define.ts';

export interface EnqueueOptions {
  workspaceId?: string;
  /** Same key + same request returns the original job; same key + another request is a conflict. */
  idempotencyKey?: string;
  /** Earliest start, ms since epoch. */
  runAt?: number;
  /** Higher runs first (default 0). */
  priority?: number;
  maxAttempts?: number;
  /** Overrides the definition's `name(input)`. */
  name?: string;
  /** The schedule whose fire this is (the scheduler sets it). */
  scheduleId?: string;
}

export function zodIssuesToDetails(
  issues: z.core.$ZodIssue[],
  prefix = '',
): { path: string; message: string }[] {
  return issues.map((i) => ({
    path: [prefix, ...i.path.map(String)].filter(Boolean).join('.'),
    message: i.message,
  }));
}

export function buildNewJob(
  registry: JobRegistry,
  type: string,
  input: unknown,
  opts: EnqueueOptions,
  /** The engine clock's time: the id's time prefix. */
  now: number,
): NewJob {
  const def = registry.require(type);
  const parsed = def.input.safeParse(input);
  if (!parsed.success) {
    throw new LongrunError('invalid_input', `input for ${type} is invalid`, {
      details: zodIssuesToDetails(parsed.error.issues, 'input'),
    });
  }
  const maxAttempts = opts.maxAttempts ?? def.retry?.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 100) {
    throw new LongrunError('invalid_input', 'maxAttempts must be an integer from 1 to 100', {
      details: [{ path: 'maxAttempts', message: 'must be an integer from 1 to 100' }],
    });
  }
  const name = (opts.name ?? def.name?.(parsed.data) ?? type).slice(0, 200);
  const idempotencyKey = opts.idempotencyKey ?? null;
  return {
    id: newJobId(now),
    workspaceId: opts.workspaceId ?? DEFAULT_WORKSPACE,
    type,
    category: def.category,
    name,
    input: parsed.data,
    priority: opts.priority ?? 0,
    runAt: opts.runAt ?? null,
    maxAttempts,
    idempotencyKey,
    requestHash:
      idempotencyKey === null ? null : requestHash({ type, input, ...opts, idempotencyKey: undefined }),
    concurrencyKey: concurrencyKeyOf(type, def.concurrency, parsed.data),
    ...(opts.scheduleId ? { scheduleId: opts.scheduleId } : {}),
  };
}

/** A stable hash of a request: keys sorted so `{a,b}` and `{b,a}` are the same request. */
export function requestHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('base64url');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
