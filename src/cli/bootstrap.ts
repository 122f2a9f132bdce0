/**
 * The start-up every Longrun process shares (`serve`, each process of `serve --http-processes`,
 * `worker`): load the job types, open the store, create the engine and, where asked, make the
 * first admin key. What a process does next (serve HTTP, run workers, supervise) stays with it.
 *
 * ```ts
 * const { store, longrun, examples } = await bootstrap(config, logger, { adminKey: true });
 * ```
 */
import type { Logger } from 'pino';
import { createApiKey } from '../api/auth.ts';
import { DEFAULT_WORKSPACE } from '../core/job.ts';
import type { AnyJobDefinition } from '../engine/define.ts';
import { createLongrun, type Longrun } from '../engine/longrun.ts';
import type { NotificationRelay, Store } from '../store/types.ts';
import type { ServeConfig } from './config.ts';
import { type ExamplesModule, loadJobTypes } from './job-types.ts';
import { openStore } from './store.ts';

export interface BootstrapOptions {
  /** Shares the embedded store's notifications with sibling processes (see cluster-relay.ts). */
  relay?: NotificationRelay;
  /** `false` when another process has already applied the migrations. */
  migrate?: boolean;
  /** Make the `default` workspace's admin key on first start (only where it gets printed). */
  adminKey?: boolean;
  /**
   * Sees the job types before the store opens, so a command can refuse them (and exit) with
   * nothing opened or migrated.
   */
  checkJobTypes?: (jobs: AnyJobDefinition[]) => void;
}

export interface Bootstrapped {
  store: Store;
  longrun: Longrun;
  /** The examples module, to start its jobs; null with `--no-examples` or when it is missing. */
  examples: ExamplesModule | null;
  jobs: AnyJobDefinition[];
  /** The new admin key on first start with `adminKey: true`, else null. */
  adminKey: string | null;
}

export async function bootstrap(
  config: ServeConfig,
  logger: Logger,
  opts: BootstrapOptions = {},
): Promise<Bootstrapped> {
  const { examples, jobs } = await loadJobTypes(config, logger);
  opts.checkJobTypes?.(jobs);
  const store = await openStore(config.db, { relay: opts.relay, migrate: opts.migrate });
  const longrun = createLongrun({ store, jobs, webhooks: { allowPrivate: config.webhooksAllowPrivate } });
  const adminKey = opts.adminKey ? await bootstrapAdminKey(store) : null;
  return { store, longrun, examples, jobs, adminKey };
}

/** First start: a `default` workspace with one admin key, returned (and so printed) once. */
async function bootstrapAdminKey(store: Store): Promise<string | null> {
  const ws = await store.workspaceEnsure({ name: DEFAULT_WORKSPACE });
  // Also covers a crash between creating the workspace and its key on an earlier start.
  const keys = ws.created ? [] : await store.apiKeyList({ workspaceId: DEFAULT_WORKSPACE });
  if (keys.length > 0) return null;
  const { key } = await createApiKey(store, {
    workspace: DEFAULT_WORKSPACE,
    scope: 'admin',
    name: 'bootstrap admin',
  });
  return key;
}
