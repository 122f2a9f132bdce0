/**
 * `longrun worker`: a worker pool (and lease reaper) without the HTTP API, for deployments where
 * API nodes and worker nodes scale apart on one PostgreSQL database. It registers the example job
 * types unless `--no-examples`, plus any `--jobs` modules, and claims only those types.
 *
 * ```sh
 * longrun worker --db postgres://app@db/longrun --concurrency 50 --jobs ./jobs/index.ts
 * ```
 */
import type { Command } from 'commander';
export declare function registerWorker(program: Command): void;
//# sourceMappingURL=worker.d.ts.map