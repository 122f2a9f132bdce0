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
import { oneOf } from './args.ts';
import { configForCommand } from './config.ts';
import { LOG_FORMATS } from './log-format.ts';
import { exitOnSignals } from './signals.ts';

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('run a worker pool only (no HTTP API)')
    .option('--db <path|url>', 'SQLite file or postgres:// URL (default: as for serve)')
    .option('-n, --concurrency <n>', 'jobs run at once (default: the workers setting, 10)')
    .option('--no-examples', 'do not register the example job types')
    .option('--jobs <modules>', 'comma-separated modules exporting job definitions to register')
    .option(
      '--lease-ms <ms>',
      'lease length; jobs of a crashed worker are recovered this long after (default 30000)',
    )
    .option('--webhooks-allow-private', 'let webhooks reach loopback, private and link-local addresses')
    .option('--retention-days <n>', 'delete jobs finished longer ago (default 30; 0 keeps them)')
    .option('--grace-ms <ms>', 'how long running jobs may finish on shutdown (default 10000)')
    .option('-c, --config <file>', 'config file (default ./longrun.config.json if present)')
    .option('--log-format <format>', 'pretty or json (default: pretty on a terminal, else json)')
    .action(async (flags: Record<string, unknown>, cmd: Command) => {
      const config = configForCommand(cmd, flags, { concurrency: 'workers' });
      if (config.workers < 1) cmd.error('error: --concurrency must be at least 1', { exitCode: 2 });
      const format = oneOf(cmd, '--log-format', LOG_FORMATS, flags.logFormat as string | undefined);
      const leaseMs = Number(flags.leaseMs ?? process.env.LONGRUN_LEASE_MS ?? 30_000);
      if (!Number.isInteger(leaseMs) || leaseMs < 500)
        cmd.error('error: --lease-ms must be an integer ≥ 500', { exitCode: 2 });
      const { createLogger, resolveLogFormat } = await import('./logger.ts');
      const { bootstrap } = await import('./bootstrap.ts');
      const { describeDb } = await import('./store.ts');
      const logger = createLogger({ format: resolveLogFormat(format) });
      const { store, longrun, jobs } = await bootstrap(config, logger, {
        checkJobTypes: (types) => {
          if (types.length === 0)
            cmd.error('error: no job types to run: pass --jobs or drop --no-examples', { exitCode: 2 });
        },
      });
      longrun.start({
        retentionMs: config.retentionDays > 0 ? config.retentionDays * 86_400_000 : undefined,
        concurrency: config.workers,
        leaseMs,
        onError: (err, where) => logger.error({ err, where }, 'worker error'),
      });
      logger.info(
        { db: describeDb(config.db), concurrency: config.workers, types: longrun.registry.types() },
        'worker started',
      );
      console.log(`Longrun worker running ${jobs.length} job types with concurrency ${config.workers}`);
      // The pool's timers are unref'd (a library must not hold its host process open); this
      // process exists to work, so it stays up while the database is away and no socket is open.
      const keepAlive = setInterval(() => {}, 60_000);
      exitOnSignals(logger, async (sig) => {
        logger.info(`${sig}: draining`);
        clearInterval(keepAlive);
        await longrun.stop({ graceMs: config.graceMs });
        await store.close();
      });
    });
}
