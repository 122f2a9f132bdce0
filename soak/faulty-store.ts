/**
 * A store wrapper that makes chosen methods fail at a seeded rate while a switch file exists:
 *
 * - `error`: the call fails before it reaches the database, as a refused connection would;
 * - `ambiguous`: the call reaches the database and commits, then reports a dropped connection, so
 *   the caller cannot tell whether it happened (Temporal's persistence fault injection has this).
 *
 * The plan comes from `$LONGRUN_SOAK_FAULTS` (JSON) in worker processes (faulty-open.ts).
 *
 * ```ts
 * const store = withFaults(real, { seed: 7, rate: 0.01, methods: ['jobWrite'], mode: 'error', switchFile });
 * ```
 */
import { existsSync } from 'node:fs';
import type { Store } from '../src/index.ts';
import { historyAppend } from './history.ts';
import { seededRandom } from './random.ts';

const HISTORY = process.env.LONGRUN_SOAK_HISTORY ?? '';

export interface FaultPlan {
  seed: number;
  rate: number;
  methods: string[];
  mode: 'error' | 'ambiguous';
  /** Faults are injected only while this file exists, so the harness decides the period. */
  switchFile: string;
}

/** What a dropped connection looks like to a caller. */
export class InjectedFault extends Error {
  readonly code = 'ECONNRESET';
  constructor(method: string, committed: boolean) {
    super(`soak: injected connection reset in ${method}${committed ? ' after it committed' : ''}`);
  }
}

export function withFaults(store: Store, plan: FaultPlan): Store {
  const random = seededRandom(plan.seed);
  let on = false;
  // A stat per store call would slow the run it measures; once per 50 ms is enough.
  const poll = setInterval(() => {
    on = existsSync(plan.switchFile);
  }, 50);
  poll.unref();
  const methods = new Set(plan.methods);
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof prop !== 'string' || !methods.has(prop) || typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        if (!on || random() >= plan.rate) return value.apply(target, args);
        // Each fault goes into the history, so the table shows how many there were and recovery
        // is measured from the one that cost an attempt its lease.
        if (HISTORY) historyAppend(HISTORY, { kind: 'fault', what: `${plan.mode} in ${prop}` });
        if (plan.mode === 'error') throw new InjectedFault(prop, false);
        await value.apply(target, args);
        throw new InjectedFault(prop, true);
      };
    },
  });
}

export function faultPlanFromEnv(): FaultPlan | null {
  const text = process.env.LONGRUN_SOAK_FAULTS;
  return text ? (JSON.parse(text) as FaultPlan) : null;
}
