import type { Logger } from 'pino';
import type { ServeConfig } from './config.ts';
import { type RunningServer } from './server.ts';
export declare function isHttpProcess(): boolean;
export declare function startCluster(config: ServeConfig, opts: {
    logger: Logger;
}): Promise<RunningServer>;
/** One HTTP process: the API on the shared port, no workers; resolves with its `shutdown`. */
export declare function runHttpProcess(config: ServeConfig, logger: Logger): Promise<() => Promise<void>>;
//# sourceMappingURL=cluster.d.ts.map