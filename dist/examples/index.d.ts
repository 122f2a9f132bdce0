/**
 * The example job types, one per category, over the bundled data set in `examples/data/`:
 *
 * - `seo.publish`: publish a bucket of CMS entities to a CMS target (offline: JSON files)
 * - `ai.describe`: generate SEO descriptions with a pluggable generator (offline: a template)
 * - `sync.import`: sync products from a CSV or NDJSON file into a local JSON database
 * - `export.csv`: export a collection to CSV or NDJSON
 *
 * Outputs go under `data/out/` by default. `startExampleJobs` enqueues a mix that a newcomer can
 * watch: most finish within seconds, one runs for about a minute, several end with failed items.
 *
 * ```ts
 * const longrun = createLongrun({ store, jobs: exampleJobs });
 * longrun.start();
 * await startExampleJobs(longrun);
 * ```
 */
import type { z } from 'zod';
import type { AnyJobDefinition } from '../src/engine/define.ts';
import type { Longrun } from '../src/index.ts';
import { type aiDescribeInput, type DescriptionGenerator } from './ai-describe.ts';
import { type exportInput } from './export-csv.ts';
import type { ExampleFileOptions } from './lib/files.ts';
import { type CmsTarget, type seoPublishInput } from './seo-publish.ts';
import { type syncImportInput } from './sync-import.ts';
export { type DescriptionGenerator, templateGenerator } from './ai-describe.ts';
export { type CmsTarget, fileCmsTarget, type PublishedDocument } from './seo-publish.ts';
export interface ExampleOptions extends ExampleFileOptions {
    /** Where `seo.publish` publishes (default: JSON files under `<outRoot>/cms`). */
    cmsTarget?: CmsTarget;
    /** What `ai.describe` uses (default: the offline template generator). */
    generator?: DescriptionGenerator;
}
/** The four example job types, configured; `exampleJobs` is this with the defaults. */
export declare function createExampleJobs(opts?: ExampleOptions): AnyJobDefinition[];
export declare const exampleJobs: AnyJobDefinition[];
type Request = {
    startInMs?: number;
} & ({
    type: 'seo.publish';
    input: z.input<typeof seoPublishInput>;
} | {
    type: 'ai.describe';
    input: z.input<typeof aiDescribeInput>;
} | {
    type: 'sync.import';
    input: z.input<typeof syncImportInput>;
} | {
    type: 'export.csv';
    input: z.input<typeof exportInput>;
});
/**
 * The demo mix. Expected outcomes with the bundled data: publish spring-launch 10 ok / 2 failed
 * (~1 s); publish summer-sale 12 ok; describe catalog 23 / 1 failed (~3 s); describe blog 34 / 2
 * failed (~1 min); sync CSV 21 / 5 failed (~3 s); sync NDJSON 8 / 3 failed, starting a few seconds
 * later so it updates what the CSV inserted; export blog CSV 35 / 1 failed; export catalog NDJSON.
 */
export declare const DEMO_REQUESTS: readonly Request[];
/** Enqueues the demo mix; the jobs run on whatever workers serve `longrun`'s store. */
export declare function startExampleJobs(longrun: Longrun, opts?: {
    workspaceId?: string;
}): Promise<void>;
//# sourceMappingURL=index.d.ts.map