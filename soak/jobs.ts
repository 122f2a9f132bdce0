/**
 * The job types of the soak harness, loaded by real `longrun worker --jobs soak/jobs.ts` processes.
 * Each appends what it does to the outside history (`$LONGRUN_SOAK_HISTORY`, see history.ts), with
 * the attempt and lease token it runs under, so the checker can compare what ran with what the
 * database kept.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { defineJob, z } from '../src/index.ts';
import { historyAppend } from './history.ts';

const HISTORY = process.env.LONGRUN_SOAK_HISTORY ?? '';

function record(entry: Parameters<typeof historyAppend>[1]): void {
  if (HISTORY) historyAppend(HISTORY, entry);
}

/** `items` items of `itemMs` each, in one `ctx.each`; generous attempts, as workers die often here. */
export const itemsJob = defineJob({
  type: 'soak.items',
  category: 'sync',
  input: z.object({
    items: z.number().int().min(0),
    itemMs: z.number().int().min(0),
    /** A log line per item, so event streams carry log events too. */
    log: z.boolean().optional(),
  }),
  retry: { maxAttempts: 25, baseDelayMs: 10 },
  async run(ctx, input) {
    const who = { jobId: ctx.jobId, attempt: ctx.attempt, token: ctx.leaseToken, pid: process.pid };
    record({ kind: 'start', ...who });
    ctx.signal.addEventListener('abort', () => record({ kind: 'heard', ...who }), { once: true });
    const keys = Array.from({ length: input.items }, (_, i) => `k${i}`);
    await ctx.each('work', keys, { key: (k) => k }, async (key) => {
      record({ kind: 'item', ...who, key });
      if (input.log) ctx.log.info(`item ${key}`);
      if (input.itemMs > 0) await sleep(input.itemMs);
    });
    record({ kind: 'end', ...who });
    return { items: input.items };
  },
});

/** Kills the process running it, on every attempt: it must end `failed` with its crash history. */
export const poisonJob = defineJob({
  type: 'soak.poison',
  category: 'sync',
  input: z.object({}),
  retry: { maxAttempts: 3, baseDelayMs: 10 },
  async run(ctx) {
    record({
      kind: 'start',
      jobId: ctx.jobId,
      attempt: ctx.attempt,
      token: ctx.leaseToken,
      pid: process.pid,
    });
    process.kill(process.pid, 'SIGKILL');
    await sleep(60_000);
  },
});

export default [itemsJob, poisonJob];
