import { loadConfig } from "./config.js";
import { describeDb, openStore } from "./store.js";
export function registerMigrate(program) {
    program
        .command('migrate')
        .description('apply pending database migrations')
        .option('--db <path|url>', 'SQLite file or postgres:// URL (default: as for serve)')
        .option('--dry-run', 'list pending migrations without applying them')
        .option('-c, --config <file>', 'config file')
        .action(async (opts) => {
        const config = loadConfig(opts.db ? { db: opts.db } : {}, { configPath: opts.config });
        const store = await openStore(config.db, { migrate: false });
        try {
            const res = await store.migrate({ dryRun: opts.dryRun ?? false });
            const list = opts.dryRun ? res.pending : res.applied;
            const verb = opts.dryRun ? 'pending' : 'applied';
            console.log(`${describeDb(config.db)}: ${list.length} migration(s) ${verb}${list.length ? ':' : ''}`);
            for (const name of list)
                console.log(`  ${name}`);
        }
        finally {
            await store.close();
        }
    });
}
//# sourceMappingURL=migrate.js.map