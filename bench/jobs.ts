/**
 * The job types of the HTTP bench, one per category; `longrun serve --jobs bench/jobs.ts` loads
 * them. `bench.publish` does what a real job does (a step, items, log lines), so the by-id
 * scenario reads finished jobs with logs, steps and attempts as well as pending ones.
 */
import { z } from 'zod';
import { defineJob } from '../src/engine/define.ts';

export const CATEGORIES = ['seo', 'ai', 'sync', 'export'] as const;

const publishJob = defineJob({
  type: 'bench.publish',
  category: 'seo',
  input: z.object({ i: z.number() }),
  async run(ctx, input) {
    const entities = await ctx.step('plan', () => [1, 2, 3].map((n) => `entity-${input.i}-${n}`));
    await ctx.each('publish', entities, { key: (e) => e }, async (e) => {
      ctx.log.info(`published ${e}`);
    });
    return { published: entities.length };
  },
});

export const benchJobs = [
  ...CATEGORIES.map((category) =>
    defineJob({
      type: `bench.${category}`,
      category,
      input: z.object({ i: z.number() }),
      run: async () => null,
    }),
  ),
  publishJob,
];
