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
import { createAiDescribeJob } from "./ai-describe.js";
import { createExportJob } from "./export-csv.js";
import { createSeoPublishJob } from "./seo-publish.js";
import { createSyncImportJob } from "./sync-import.js";
export { templateGenerator } from "./ai-describe.js";
export { fileCmsTarget } from "./seo-publish.js";
/** The four example job types, configured; `exampleJobs` is this with the defaults. */
export function createExampleJobs(opts = {}) {
    const files = { outRoot: opts.outRoot, dataDir: opts.dataDir };
    return [
        createSeoPublishJob({ ...files, target: opts.cmsTarget }),
        createAiDescribeJob({ ...files, generator: opts.generator }),
        createSyncImportJob(files),
        createExportJob(files),
    ];
}
export const exampleJobs = createExampleJobs();
/**
 * The demo mix. Expected outcomes with the bundled data: publish spring-launch 10 ok / 2 failed
 * (~1 s); publish summer-sale 12 ok; describe catalog 23 / 1 failed (~3 s); describe blog 34 / 2
 * failed (~1 min); sync CSV 21 / 5 failed (~3 s); sync NDJSON 8 / 3 failed, starting a few seconds
 * later so it updates what the CSV inserted; export blog CSV 35 / 1 failed; export catalog NDJSON.
 */
export const DEMO_REQUESTS = [
    { type: 'seo.publish', input: { bucketId: 'spring-launch', delayMs: 150 } },
    { type: 'seo.publish', input: { bucketId: 'summer-sale', delayMs: 100 } },
    { type: 'ai.describe', input: { collection: 'catalog', delayMs: 250 } },
    { type: 'ai.describe', input: { collection: 'blog', concurrency: 1, delayMs: 1_650 } },
    { type: 'sync.import', input: { source: 'products.csv', delayMs: 100 } },
    { type: 'sync.import', input: { source: 'inventory.ndjson', delayMs: 100 }, startInMs: 5_000 },
    { type: 'export.csv', input: { collection: 'blog', format: 'csv', delayMs: 60 } },
    { type: 'export.csv', input: { collection: 'catalog', format: 'ndjson', delayMs: 60 } },
];
/** Enqueues the demo mix; the jobs run on whatever workers serve `longrun`'s store. */
export async function startExampleJobs(longrun, opts = {}) {
    const now = Date.now();
    await longrun.enqueueMany(DEMO_REQUESTS.map((r) => ({
        type: r.type,
        input: r.input,
        opts: {
            workspaceId: opts.workspaceId,
            ...(r.startInMs ? { runAt: now + r.startInMs } : {}),
        },
    })));
}
//# sourceMappingURL=index.js.map