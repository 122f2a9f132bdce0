/**
 * The storage conformance suite: one set of tests that every `Store` backend must pass unchanged.
 * A backend's test file calls `storeConformance(name, factory)`; the factory returns a fresh, empty
 * store (its own file or schema) and a cleanup that removes it. Tests that depend on time inject a
 * fake clock through the factory, so leases expire and retries come due without sleeping.
 *
 * ```ts
 * storeConformance('sqlite', async ({ clock, maxLogsPerJob }) => {
 *   const store = await createSqliteStore({ path: tmpFile(), clock, maxLogsPerJob });
 *   return { store, cleanup: async () => rmSync(path) };
 * });
 * ```
 */
import { describe } from 'node:test';
import { insertAndClaimTests } from './store-conformance-claim.ts';
import { sessionTests, timeseriesTests } from './store-conformance-dashboard.ts';
import { detailReadTests } from './store-conformance-detail.ts';
import { finishTests } from './store-conformance-finish.ts';
import { finishRuleTests } from './store-conformance-finish-rules.ts';
import { flowTests } from './store-conformance-flow.ts';
import { harness, type StoreFactory } from './store-conformance-helpers.ts';
import { jsonTests } from './store-conformance-json.ts';
import { cancelTests, reapAndPurgeTests } from './store-conformance-lifecycle.ts';
import { miscTests } from './store-conformance-misc.ts';
import { opsTests } from './store-conformance-ops.ts';
import { jobReadTests } from './store-conformance-read.ts';
import { scheduleTests } from './store-conformance-schedules.ts';
import { listFilterTests } from './store-conformance-search.ts';
import { jobWriteTests } from './store-conformance-write.ts';

export type { StoreFactory, StoreFactoryOptions } from './store-conformance-helpers.ts';

export function storeConformance(name: string, factory: StoreFactory, opts: { skip?: string } = {}): void {
  describe(`store conformance: ${name}`, opts.skip ? { skip: opts.skip } : {}, () => {
    const withStore = harness(factory);
    insertAndClaimTests(withStore);
    jobWriteTests(withStore);
    finishTests(withStore);
    finishRuleTests(withStore);
    cancelTests(withStore);
    reapAndPurgeTests(withStore);
    jobReadTests(withStore);
    detailReadTests(withStore);
    jsonTests(withStore);
    miscTests(withStore);
    sessionTests(withStore);
    timeseriesTests(withStore);
    listFilterTests(withStore);
    opsTests(withStore);
    flowTests(withStore);
    scheduleTests(withStore);
  });
}
