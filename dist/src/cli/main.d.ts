/**
 * The `longrun` command. One file per command group; this one only assembles them.
 *
 * ```sh
 * longrun serve --port 3000 --db ./data/longrun.db
 * longrun keys create --workspace default --scope read
 * longrun jobs list --status running --category seo
 * ```
 */
import { Command } from 'commander';
export declare function buildProgram(): Command;
//# sourceMappingURL=main.d.ts.map