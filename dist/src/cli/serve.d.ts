/**
 * `longrun serve`: the API and a worker pool in one process on one store (see server.ts), or with
 * `--http-processes N` the API in N processes beside the one running the workers (cluster.ts). On
 * first start it prints an admin key once. SIGTERM/SIGINT shut down gracefully; a second signal exits at
 * once.
 */
import type { Command } from 'commander';
export declare function registerServe(program: Command): void;
//# sourceMappingURL=serve.d.ts.map