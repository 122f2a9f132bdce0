/** The job types of the HTTP bench, one per category; `longrun serve --jobs bench/jobs.ts` loads them. */
import { z } from 'zod';
import { defineJob } from '../src/engine/define.ts';

export const CATEGORIES = ['seo', 'ai', 'sync', 'export'] as const;

export const benchJobs = CATEGORIES.map((category) =>
  defineJob({
    type: `bench.${category}`,
    category,
    input: z.object({ i: z.number() }),
    run: async () => null,
  }),
);
