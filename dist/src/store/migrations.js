/**
 * Numbered `.sql` migrations, read from a backend's `migrations/` folder in order. Both backends
 * number theirs alike (`001_init.sql`, …) so a version means the same change on either.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
export function listMigrations(dir) {
    return readdirSync(dir)
        .filter((f) => /^\d{3}_.+\.sql$/.test(f))
        .sort()
        .map((f) => ({ version: Number(f.slice(0, 3)), name: f, sql: readFileSync(join(dir, f), 'utf8') }));
}
//# sourceMappingURL=migrations.js.map