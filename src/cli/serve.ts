/**
 * `longrun serve`: the API and a worker pool in one process on one store (see server.ts), or with
 * `--http-processes N` the API in N processes beside the one running the workers
 * (cluster-supervisor.ts). On first start it prints an admin key once. SIGTERM/SIGINT shut down
 * gracefully; a second signal exits at once.
 */
import type { Command } from 'commander';
import { oneOf } from './args.ts';
import { configForCommand } from './config.ts';
import { LOG_FORMATS } from './log-format.ts';
import { exitOnSignals } from './signals.ts';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the HTTP API and workers (in one process unless --http-processes)')
    .option('--db <path|url>', 'SQLite file or postgres:// URL (default ./data/longrun.db)')
    .option('-p, --port <n>', 'port to listen on, 0 for any free port (default 3000)')
    .option('--host <addr>', 'address to bind (default 0.0.0.0)')
    .option('-w, --workers <n>', 'jobs run at once by this process (default 10; 0 serves the API only)')
    .option(
      '--http-processes <n>',
      'processes serving the API on the one port (default 1; above 1 the first runs the workers)',
    )
    .option('--no-examples', 'do not register or start the example jobs')
    .option('--no-dashboard', 'do not serve the dashboard at /')
    .option('--jobs <modules>', 'comma-separated modules exporting job definitions to register')
    .option('--rate-limit <perMinute/burst>', 'per-key rate limit, e.g. 1200/200, or "off"')
    .option('--grace-ms <ms>', 'how long running jobs may finish on shutdown (default 10000)')
    .option('--retention-days <n>', 'delete jobs finished longer ago (default 30; 0 keeps them)')
    .option('--cors-origin <origins>', 'comma-separated origins allowed to call the API from a browser')
    .option('--headers-timeout-ms <ms>', 'time a client has to send its request headers (default 10000)')
    .option('--request-timeout-ms <ms>', 'time a client has to send a whole request (default 30000)')
    .option('--max-connections <n>', 'open connections the server accepts (default 10000)')
    .option('--webhooks-allow-private', 'let webhooks reach loopback, private and link-local addresses')
    .option('-c, --config <file>', 'config file (default ./longrun.config.json if present)')
    .option('--log-format <format>', 'pretty or json (default: pretty on a terminal, else json)')
    .action(async (flags: Record<string, unknown>, cmd: Command) => {
      const config = configForCommand(cmd, flags);
      const format = oneOf(cmd, '--log-format', LOG_FORMATS, flags.logFormat as string | undefined);
      // Loaded here so `longrun jobs …` and `longrun keys …` start without the server's dependencies.
      const { createLogger, resolveLogFormat } = await import('./logger.ts');
      const { dashboardServed, startServer } = await import('./server.ts');
      const logger = createLogger({ format: resolveLogFormat(format) });
      const cluster = await import('./cluster-http.ts');
      if (cluster.isHttpProcess()) {
        // One that cannot start (its port taken, a job module that throws) must exit: its IPC
        // channel would keep it alive, and the primary waiting for it, forever.
        const shutdown = await cluster.runHttpProcess(config, logger).catch((err: unknown) => {
          console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
          process.exit(1);
        });
        exitOnSignals(logger, shutdown);
        return;
      }
      const running = await startServer(config, { logger });
      // Before the banner: whoever reads it may signal at once, and must not find the default action.
      exitOnSignals(logger, () => running.shutdown());
      console.log(`Longrun is listening on ${running.url}`);
      console.log(`  API:     ${running.url}/api/v1/jobs   (OpenAPI: ${running.url}/api/v1/openapi.json)`);
      if (dashboardServed(config)) console.log(`  Dashboard: ${running.url}/   (sign in with an API key)`);
      if (running.adminKey) {
        console.log(`  Admin API key (shown once, store it now): ${running.adminKey}`);
        // The key once only: terminals and CI logs keep what is printed.
        console.log(`  Try: curl -H "Authorization: Bearer <that key>" ${running.url}/api/v1/jobs`);
      } else {
        console.log('  Create API keys with: longrun keys create --workspace default --scope admin');
      }
    });
}
