/**
 * Stands in for src/store/open.ts inside a worker started with `--import soak/fault-hook.mjs`: the
 * same factories, each store wrapped with the plan in `$LONGRUN_SOAK_FAULTS`.
 */

import type { PostgresStoreOptions, SqliteStoreOptions, Store } from '../src/index.ts';
import * as real from '../src/store/open.ts';
import { faultPlanFromEnv, withFaults } from './faulty-store.ts';

export * from '../src/store/open.ts';

function wrap(store: Store): Store {
  const plan = faultPlanFromEnv();
  return plan ? withFaults(store, plan) : store;
}

export async function createSqliteStore(opts: SqliteStoreOptions): Promise<Store> {
  return wrap(await real.createSqliteStore(opts));
}

export async function createPostgresStore(opts: PostgresStoreOptions): Promise<Store> {
  return wrap(await real.createPostgresStore(opts));
}
