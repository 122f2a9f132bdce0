/**
 * Configuration for `longrun serve` (and the store-opening commands): flags > environment >
 * config file > defaults, resolved by one pure function so the precedence is testable.
 *
 * | setting | flag | env | file key | default |
 * |---|---|---|---|---|
 * | database | `--db` | `LONGRUN_DB`, then `DATABASE_URL` | `db` | `./data/longrun.db` |
 * | port | `--port` | `LONGRUN_PORT` | `port` | 3000 |
 * | host | `--host` | `LONGRUN_HOST` | `host` | `0.0.0.0` |
 * | worker concurrency (0: API only) | `--workers` | `LONGRUN_WORKERS` | `workers` | 10 |
 * | HTTP processes (cluster-supervisor.ts) | `--http-processes` | `LONGRUN_HTTP_PROCESSES` | `httpProcesses` | 1 |
 * | example jobs | `--no-examples` | `LONGRUN_EXAMPLES=false` | `examples` | true |
 * | dashboard at `/` | `--no-dashboard` | `LONGRUN_DASHBOARD=false` | `dashboard` | true |
 * | extra job modules | `--jobs a.ts,b.ts` | `LONGRUN_JOBS` | `jobs` | none |
 * | rate limit | `--rate-limit N/BURST` | `LONGRUN_RATE_LIMIT` | `rateLimit` | 1200/200 |
 * | shutdown grace | `--grace-ms` | `LONGRUN_GRACE_MS` | `graceMs` | 10000 |
 * | keep finished jobs (days, 0 = forever) | `--retention-days` | `LONGRUN_RETENTION_DAYS` | `retentionDays` | 30 |
 * | CORS allow-list | `--cors-origin a,b` | `LONGRUN_CORS_ORIGINS` | `corsOrigins` | none (CORS off) |
 * | time to receive a request's headers | `--headers-timeout-ms` | `LONGRUN_HEADERS_TIMEOUT_MS` | `headersTimeoutMs` | 10000 |
 * | time to receive a whole request | `--request-timeout-ms` | `LONGRUN_REQUEST_TIMEOUT_MS` | `requestTimeoutMs` | 30000 |
 * | open connections | `--max-connections` | `LONGRUN_MAX_CONNECTIONS` | `maxConnections` | 10000 |
 * | webhooks may reach private addresses | `--webhooks-allow-private` | `LONGRUN_WEBHOOKS_ALLOW_PRIVATE=true` | `webhooksAllowPrivate` | false |
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { isPostgresUrl, parseDbUrl } from './store.ts';

export interface ServeConfig {
  db: string;
  port: number;
  host: string;
  workers: number;
  /** Processes serving the API on the one port; above 1, the first process runs the workers only. */
  httpProcesses: number;
  examples: boolean;
  /** Serve the dashboard at `/` (from the built `dist/web`). */
  dashboard: boolean;
  jobs: string[];
  rateLimit: { perMinute: number; burst: number } | false;
  graceMs: number;
  /** Finished jobs older than this are deleted in small batches; 0 keeps them forever. */
  retentionDays: number;
  /** Origins allowed to call the API from a browser (exact matches); empty: CORS off. */
  corsOrigins: string[];
  /** Node's `headersTimeout` and `requestTimeout`: see docs/security.md, Server timeouts. */
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  maxConnections: number;
  /** Let webhooks reach loopback, private and other non-public addresses (the SSRF guard, off). */
  webhooksAllowPrivate: boolean;
}

export const DEFAULT_CONFIG: ServeConfig = {
  db: './data/longrun.db',
  port: 3000,
  host: '0.0.0.0',
  workers: 10,
  httpProcesses: 1,
  examples: true,
  dashboard: true,
  jobs: [],
  rateLimit: { perMinute: 1_200, burst: 200 },
  graceMs: 10_000,
  retentionDays: 30,
  corsOrigins: [],
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  maxConnections: 10_000,
  webhooksAllowPrivate: false,
};

export const DEFAULT_CONFIG_FILE = 'longrun.config.json';

const port = z.coerce.number().int().min(0).max(65_535);
/** 0 is allowed: `longrun serve --workers 0` serves the API only (`longrun worker` requires ≥ 1). */
const count = z.coerce.number().int().min(0).max(10_000);
const processes = z.coerce.number().int().min(1).max(64);
const days = z.coerce.number().min(0).max(36_500);
/** A socket timeout: at least a second, so a typo cannot cut every request. */
const timeoutMs = z.coerce.number().int().min(1_000).max(3_600_000);
const connections = z.coerce.number().int().min(1).max(1_000_000);
const origin = z.string().regex(/^https?:\/\/[^/\s]+$/, 'an origin such as https://app.example.com');
const origins = (raw: string, where: string) => check(z.array(origin), raw.split(',').filter(Boolean), where);
const rateLimit = z.union([
  z.literal(false),
  z.strictObject({ perMinute: z.number().positive(), burst: z.number().int().min(1) }),
]);

const FileSchema = z.strictObject({
  db: z.string().min(1).optional(),
  port: port.optional(),
  host: z.string().min(1).optional(),
  workers: count.optional(),
  httpProcesses: processes.optional(),
  examples: z.boolean().optional(),
  dashboard: z.boolean().optional(),
  jobs: z.array(z.string().min(1)).optional(),
  rateLimit: rateLimit.optional(),
  graceMs: z.number().int().min(0).optional(),
  retentionDays: days.optional(),
  corsOrigins: z.array(origin).optional(),
  headersTimeoutMs: timeoutMs.optional(),
  requestTimeoutMs: timeoutMs.optional(),
  maxConnections: connections.optional(),
  webhooksAllowPrivate: z.boolean().optional(),
});

export type PartialConfig = Partial<ServeConfig>;

export class ConfigError extends Error {}

function check<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const res = schema.safeParse(value);
  if (!res.success) {
    const issue = res.error.issues[0];
    const path = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    throw new ConfigError(`${where}: ${path}${issue?.message ?? 'invalid'}`);
  }
  return res.data;
}

/** `1200/200` → `{ perMinute: 1200, burst: 200 }`; `off` → false. */
export function parseRateLimit(raw: string, where: string): ServeConfig['rateLimit'] {
  if (/^(off|false|0)$/i.test(raw)) return false;
  const m = /^(\d+)(?:\/(\d+))?$/.exec(raw.trim());
  if (!m) throw new ConfigError(`${where}: expected PER_MINUTE[/BURST] or "off", got "${raw}"`);
  const perMinute = Number(m[1]);
  return { perMinute, burst: m[2] ? Number(m[2]) : Math.max(1, Math.round(perMinute / 6)) };
}

export function readConfigFile(path: string | undefined, cwd = process.cwd()): PartialConfig {
  const file = resolve(cwd, path ?? DEFAULT_CONFIG_FILE);
  if (!existsSync(file)) {
    if (path) throw new ConfigError(`config file ${file} does not exist`);
    return {};
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`config file ${file}: ${(err as Error).message}`);
  }
  return check(FileSchema, json, `config file ${file}`) as PartialConfig;
}

export function configFromEnv(env: NodeJS.ProcessEnv): PartialConfig {
  const out: PartialConfig = {};
  const db = env.LONGRUN_DB || env.DATABASE_URL;
  if (db) out.db = db;
  if (env.LONGRUN_PORT) out.port = check(port, env.LONGRUN_PORT, 'LONGRUN_PORT');
  if (env.LONGRUN_HOST) out.host = env.LONGRUN_HOST;
  if (env.LONGRUN_WORKERS) out.workers = check(count, env.LONGRUN_WORKERS, 'LONGRUN_WORKERS');
  if (env.LONGRUN_HTTP_PROCESSES)
    out.httpProcesses = check(processes, env.LONGRUN_HTTP_PROCESSES, 'LONGRUN_HTTP_PROCESSES');
  if (env.LONGRUN_EXAMPLES) out.examples = !/^(0|false|no|off)$/i.test(env.LONGRUN_EXAMPLES);
  if (env.LONGRUN_DASHBOARD) out.dashboard = !/^(0|false|no|off)$/i.test(env.LONGRUN_DASHBOARD);
  if (env.LONGRUN_JOBS) out.jobs = env.LONGRUN_JOBS.split(',').filter(Boolean);
  if (env.LONGRUN_RATE_LIMIT) out.rateLimit = parseRateLimit(env.LONGRUN_RATE_LIMIT, 'LONGRUN_RATE_LIMIT');
  if (env.LONGRUN_GRACE_MS)
    out.graceMs = check(z.coerce.number().int().min(0), env.LONGRUN_GRACE_MS, 'LONGRUN_GRACE_MS');
  if (env.LONGRUN_RETENTION_DAYS)
    out.retentionDays = check(days, env.LONGRUN_RETENTION_DAYS, 'LONGRUN_RETENTION_DAYS');
  if (env.LONGRUN_CORS_ORIGINS) out.corsOrigins = origins(env.LONGRUN_CORS_ORIGINS, 'LONGRUN_CORS_ORIGINS');
  if (env.LONGRUN_HEADERS_TIMEOUT_MS)
    out.headersTimeoutMs = check(timeoutMs, env.LONGRUN_HEADERS_TIMEOUT_MS, 'LONGRUN_HEADERS_TIMEOUT_MS');
  if (env.LONGRUN_REQUEST_TIMEOUT_MS)
    out.requestTimeoutMs = check(timeoutMs, env.LONGRUN_REQUEST_TIMEOUT_MS, 'LONGRUN_REQUEST_TIMEOUT_MS');
  if (env.LONGRUN_MAX_CONNECTIONS)
    out.maxConnections = check(connections, env.LONGRUN_MAX_CONNECTIONS, 'LONGRUN_MAX_CONNECTIONS');
  if (env.LONGRUN_WEBHOOKS_ALLOW_PRIVATE)
    out.webhooksAllowPrivate = /^(1|true|yes|on)$/i.test(env.LONGRUN_WEBHOOKS_ALLOW_PRIVATE);
  return out;
}

/** Flags as commander hands them over (strings), only those given on the command line. */
export function configFromFlags(flags: Record<string, unknown>): PartialConfig {
  const out: PartialConfig = {};
  if (flags.db !== undefined) out.db = String(flags.db);
  if (flags.port !== undefined) out.port = check(port, flags.port, '--port');
  if (flags.host !== undefined) out.host = String(flags.host);
  if (flags.workers !== undefined) out.workers = check(count, flags.workers, '--workers');
  if (flags.httpProcesses !== undefined)
    out.httpProcesses = check(processes, flags.httpProcesses, '--http-processes');
  if (flags.examples !== undefined) out.examples = Boolean(flags.examples);
  if (flags.dashboard !== undefined) out.dashboard = Boolean(flags.dashboard);
  if (flags.jobs !== undefined) out.jobs = String(flags.jobs).split(',').filter(Boolean);
  if (flags.rateLimit !== undefined) out.rateLimit = parseRateLimit(String(flags.rateLimit), '--rate-limit');
  if (flags.graceMs !== undefined)
    out.graceMs = check(z.coerce.number().int().min(0), flags.graceMs, '--grace-ms');
  if (flags.retentionDays !== undefined)
    out.retentionDays = check(days, flags.retentionDays, '--retention-days');
  if (flags.corsOrigin !== undefined) out.corsOrigins = origins(String(flags.corsOrigin), '--cors-origin');
  if (flags.headersTimeoutMs !== undefined)
    out.headersTimeoutMs = check(timeoutMs, flags.headersTimeoutMs, '--headers-timeout-ms');
  if (flags.requestTimeoutMs !== undefined)
    out.requestTimeoutMs = check(timeoutMs, flags.requestTimeoutMs, '--request-timeout-ms');
  if (flags.maxConnections !== undefined)
    out.maxConnections = check(connections, flags.maxConnections, '--max-connections');
  if (flags.webhooksAllowPrivate !== undefined)
    out.webhooksAllowPrivate = Boolean(flags.webhooksAllowPrivate);
  return out;
}

/** Later sources win: defaults < file < env < flags. */
export function resolveConfig(layers: {
  file?: PartialConfig;
  env?: PartialConfig;
  flags?: PartialConfig;
}): ServeConfig {
  const defined = (p: PartialConfig | undefined) =>
    Object.fromEntries(Object.entries(p ?? {}).filter(([, v]) => v !== undefined)) as PartialConfig;
  return { ...DEFAULT_CONFIG, ...defined(layers.file), ...defined(layers.env), ...defined(layers.flags) };
}

export function loadConfig(
  flags: Record<string, unknown>,
  opts: { env?: NodeJS.ProcessEnv; configPath?: string; cwd?: string } = {},
): ServeConfig {
  const config = resolveConfig({
    file: readConfigFile(opts.configPath, opts.cwd),
    env: configFromEnv(opts.env ?? process.env),
    flags: configFromFlags(flags),
  });
  // Each process would open its own empty database: jobs created in one invisible to the others.
  if (config.httpProcesses > 1 && config.db === ':memory:')
    throw new ConfigError('--http-processes above 1 needs a database the processes share, not :memory:');
  // A bad parameter of our own in the URL fails here, with exit code 2, not when the store opens.
  if (isPostgresUrl(config.db)) {
    try {
      parseDbUrl(config.db);
    } catch (err) {
      throw new ConfigError(`database: ${(err as Error).message}`);
    }
  }
  // Node refuses a server whose headers may take longer than the whole request.
  if (config.headersTimeoutMs > config.requestTimeoutMs)
    throw new ConfigError('headersTimeoutMs must not exceed requestTimeoutMs');
  return config;
}

/**
 * The config of a command that takes the serve settings as flags. Only values typed on the command
 * line count as flags (commander's defaults must not shadow the environment or the file); `rename`
 * maps a command's own flag names onto config keys (`--concurrency` → `workers`). A bad setting
 * ends the command with exit code 2 and the offending source in the message.
 */
export function configForCommand(
  cmd: Command,
  flags: Record<string, unknown>,
  rename: Record<string, keyof ServeConfig> = {},
): ServeConfig {
  const given: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(flags)) {
    if (cmd.getOptionValueSource(k) === 'cli') given[rename[k] ?? k] = v;
  }
  try {
    return loadConfig(given, { configPath: flags.config as string | undefined });
  } catch (err) {
    if (err instanceof ConfigError) cmd.error(`error: ${err.message}`, { exitCode: 2 });
    throw err;
  }
}
