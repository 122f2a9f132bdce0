/**
 * The job types of the memory bench (bench/memory.ts), loaded by real `longrun serve` and
 * `longrun worker` processes: a no-op, a job that waits until it is cancelled, and a job of
 * `n` no-op items in one `ctx.each`.
 */
import { z } from 'zod';
import { defineJob } from '../src/engine/define.ts';

export default [
  defineJob({ type: 'mem.noop', category: 'sync', input: z.object({}), run: async () => null }),
  defineJob({
    type: 'mem.wait',
    category: 'sync',
    input: z.object({}),
    run: (ctx) => new Promise<null>((resolve) => ctx.signal.addEventListener('abort', () => resolve(null))),
  }),
  defineJob({
    type: 'mem.items',
    category: 'export',
    input: z.object({ n: z.number().int().min(1) }),
    run: (ctx, input) =>
      ctx.each(
        'items',
        Array.from({ length: input.n }, (_, i) => i),
        { key: (i) => String(i) },
        async () => {},
      ),
  }),
];
