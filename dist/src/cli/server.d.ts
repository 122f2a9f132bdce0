/**
 * The server behind `longrun serve`: store, job types (examples and user modules), the first-start
 * admin key, the HTTP API and the worker pool, and a graceful `shutdown()`: stop accepting
 * connections, end SSE streams, let running jobs finish within the grace period (the rest are
 * released for another worker), close the store. Kept apart from the command so other commands
 * do not load the server's dependencies.
 */
import { type Server as HttpServer } from 'node:http';
import type { Logger } from 'pino';
import { type LongrunApp } from '../api/app.ts';
import type { AnyJobDefinition } from '../engine/define.ts';
import { type Longrun } from '../engine/longrun.ts';
import type { Store } from '../store/types.ts';
import type { ServeConfig } from './config.ts';
export declare const DEFAULT_WORKSPACE = "default";
export interface ExamplesModule {
    exampleJobs: AnyJobDefinition[];
    startExampleJobs(longrun: Longrun, opts?: {
        workspaceId?: string;
    }): Promise<void>;
}
/** Loads job definitions from user modules: any exported array of definitions (or a single one). */
export declare function loadJobModules(paths: string[]): Promise<AnyJobDefinition[]>;
export declare function loadExamples(logger: Logger): Promise<ExamplesModule | null>;
/** First start: a `default` workspace with one admin key, returned (and so printed) once. */
export declare function bootstrapAdminKey(store: Store): Promise<string | null>;
export interface RunningServer {
    url: string;
    port: number;
    longrun: Longrun;
    adminKey: string | null;
    shutdown(): Promise<void>;
}
/** The example types (unless `--no-examples`) and those of `--jobs` modules. */
export declare function loadJobTypes(config: ServeConfig, logger: Logger): Promise<{
    examples: ExamplesModule | null;
    jobs: AnyJobDefinition[];
}>;
/** Serves `app` on the configured host and port, parser errors answered in the API's envelope. */
export declare function listenApi(app: LongrunApp, config: ServeConfig): Promise<{
    server: HttpServer<typeof import("http").IncomingMessage, typeof import("http").ServerResponse>;
    port: number;
}>;
/**
 * Stops accepting and closes idle connections; requests in flight may finish until `deadline`
 * settles, and whatever still hangs then is cut.
 */
export declare function closeApi(server: HttpServer, deadline: Promise<unknown>): Promise<void>;
/**
 * The worker pool, lease reaper and retention, unless `--workers 0`: an API process only, and
 * `longrun worker` processes on the same store run the jobs (and recover leases and apply
 * retention, which is why none of that starts here either).
 */
export declare function startWorkers(longrun: Longrun, config: ServeConfig, logger: Logger): void;
export declare function urlOf(config: ServeConfig, port: number): string;
export declare function startServer(config: ServeConfig, opts: {
    logger: Logger;
}): Promise<RunningServer>;
//# sourceMappingURL=server.d.ts.map