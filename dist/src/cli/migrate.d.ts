/**
 * `longrun migrate [--dry-run]`: applies pending schema migrations and exits, for operators who
 * migrate before they deploy. Servers and workers also migrate on start (under a lock), so this is
 * optional. `--dry-run` lists what would be applied and changes nothing.
 */
import type { Command } from 'commander';
export declare function registerMigrate(program: Command): void;
//# sourceMappingURL=migrate.d.ts.map