import type { Command } from 'commander';
export interface ServeConfig {
    db: string;
    port: number;
    host: string;
    workers: number;
    /** Processes serving the API on the one port; above 1, the first process runs the workers only. */
    httpProcesses: number;
    examples: boolean;
    jobs: string[];
    rateLimit: {
        perMinute: number;
        burst: number;
    } | false;
    graceMs: number;
    /** Finished jobs older than this are deleted in small batches; 0 keeps them forever. */
    retentionDays: number;
}
export declare const DEFAULT_CONFIG: ServeConfig;
export declare const DEFAULT_CONFIG_FILE = "longrun.config.json";
export type PartialConfig = Partial<ServeConfig>;
export declare class ConfigError extends Error {
}
/** `1200/200` → `{ perMinute: 1200, burst: 200 }`; `off` → false. */
export declare function parseRateLimit(raw: string, where: string): ServeConfig['rateLimit'];
export declare function readConfigFile(path: string | undefined, cwd?: string): PartialConfig;
export declare function configFromEnv(env: NodeJS.ProcessEnv): PartialConfig;
/** Flags as commander hands them over (strings), only those given on the command line. */
export declare function configFromFlags(flags: Record<string, unknown>): PartialConfig;
/** Later sources win: defaults < file < env < flags. */
export declare function resolveConfig(layers: {
    file?: PartialConfig;
    env?: PartialConfig;
    flags?: PartialConfig;
}): ServeConfig;
export declare function loadConfig(flags: Record<string, unknown>, opts?: {
    env?: NodeJS.ProcessEnv;
    configPath?: string;
    cwd?: string;
}): ServeConfig;
/**
 * The config of a command that takes the serve settings as flags. Only values typed on the command
 * line count as flags (commander's defaults must not shadow the environment or the file); `rename`
 * maps a command's own flag names onto config keys (`--concurrency` → `workers`). A bad setting
 * ends the command with exit code 2 and the offending source in the message.
 */
export declare function configForCommand(cmd: Command, flags: Record<string, unknown>, rename?: Record<string, keyof ServeConfig>): ServeConfig;
//# sourceMappingURL=config.d.ts.map