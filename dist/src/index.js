/**
 * Longrun's library entry (`import … from 'longrun'`): define job types, open a store, enqueue and
 * run. The HTTP API is `longrun/api`, the typed HTTP client `longrun/client`.
 *
 * ```ts
 * import { createLongrun, createSqliteStore, defineJob, z } from 'longrun';
 *
 * const hello = defineJob({
 *   type: 'demo.hello', category: 'sync',
 *   input: z.strictObject({ names: z.array(z.string()) }),
 *   async run(ctx, input) {
 *     await ctx.each('greet', input.names, { key: (n) => n }, async (n) => ctx.log.info(`hello ${n}`));
 *   },
 * });
 * const longrun = createLongrun({ store: await createSqliteStore({ path: 'data/longrun.db' }), jobs: [hello] });
 * longrun.start({ concurrency: 8 });
 * await longrun.enqueue('demo.hello', { names: ['Ada', 'Grace'] });
 * ```
 */
// One zod for the package and its users: schemas built with it are the ones `defineJob` checks.
export { z } from 'zod';
export { DEFAULT_CATEGORIES } from "./core/categories.js";
export { fakeClock, systemClock } from "./core/clock.js";
export { ERROR_REGISTRY, isLongrunError, LongrunError } from "./core/errors.js";
export { JOB_STATUSES } from "./core/status.js";
export { JobCancelledError, NonRetryableError, } from "./engine/context.js";
export { defineJob, JobRegistry, } from "./engine/define.js";
export { createLongrun, Longrun } from "./engine/longrun.js";
export { createPostgresStore, createSqliteStore, DriverMissingError, } from "./store/open.js";
//# sourceMappingURL=index.js.map