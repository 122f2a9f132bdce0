/**
 * `longrun migrate [--dry-run]`: applies pending schema migrations and exits, for operators who
 * migrate before they deploy. Servers and workers also migrate on start (under a lock), so this is
 * optional. `--dry-run` lists what would be applied and changes nothing.
 */
import type { Command } from 'commander';
import { loadConfig } from './config.ts';
import { describeDb, openStore } from './store.ts';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations')
    .option('--db <path|url>', 'SQLite file or postgres:// URL (default: as for serve)')
    .option('--dry-run', 'list pending migrations without applying them')
    .option('-c, --config <file>', 'config file')
    .action(async (opts: { db?: string; dryRun?: boolean; config?: string }) => {
      const config = loadConfig(opts.db ? { db: opts.db } : {}, { configPath: opts.config });
      const store = await openStore(config.db, { migrate: false });
      try {
        const res = await store.migrate({ dryRun: opts.dryRun ?? false });
        const list = opts.dryRun ? res.pending : res.applied;
        const verb = opts.dryRun ? 'pending' : 'applied';
        console.log(`${describeDb(config.db)}: ${list.length} migration(s) ${verb}${list.length ? ':' : ''}`);
        for (const name of list) console.log(`  ${name}`);
      } finally {
        await store.close();
      }
    });
}
