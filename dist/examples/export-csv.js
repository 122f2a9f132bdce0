/**
 * `export.csv` (category export): exports a collection of CMS entities to CSV (RFC 4180 quoting,
 * CRLF) or NDJSON. Step `load` reads the collection; `each('export', …)` renders one row per entity
 * (progress per row; an entity lacking a required column fails as an item and is left out); step
 * `write` writes the file atomically, so a reader never sees a partial export.
 *
 * Rendering is pure, so the `write` step re-renders rows an earlier attempt completed (a resumed
 * `each` skips them) instead of keeping a half-written file between attempts.
 */
import { z } from 'zod';
import { defineJob, NonRetryableError } from "../src/index.js";
import { csvLine } from "./lib/csv.js";
import { BUNDLED_DATA_DIR, DEFAULT_OUT_ROOT, identifier, loadEntities, pause, relativePath, resolveUnder, writeFileAtomic, } from "./lib/files.js";
export const EXPORT_COLUMNS = [
    'id',
    'collection',
    'bucket',
    'type',
    'slug',
    'title',
    'summary',
    'tags',
    'author',
    'locale',
    'updatedAt',
    'price',
];
const column = z.enum(EXPORT_COLUMNS);
export const exportInput = z.strictObject({
    collection: identifier,
    format: z.enum(['csv', 'ndjson']).default('csv'),
    /** Output file under the output root (default `exports/<collection>.<format>`). */
    outFile: relativePath.optional(),
    columns: z.array(column).min(1).default(['id', 'slug', 'title', 'summary', 'tags', 'author', 'updatedAt']),
    /** Rows lacking any of these fail instead of being exported with a hole. */
    required: z.array(column).default(['id', 'title']),
    /** Pause after each row, so a demo's progress can be watched. */
    delayMs: z.number().int().min(0).max(60_000).default(5),
});
const isBlank = (v) => v === undefined || v === null || (typeof v === 'string' && !v.trim());
/** One output line for an entity; throws when a required column is empty. */
export function renderRow(e, input) {
    const missing = input.required.filter((c) => isBlank(e[c]));
    if (missing.length > 0)
        throw new Error(`entity ${e.id} lacks required column(s): ${missing.join(', ')}`);
    if (input.format === 'csv')
        return csvLine(input.columns.map((c) => e[c]));
    // NDJSON keeps types (arrays, numbers) and writes null for an absent value, so every line has every key.
    const row = {};
    for (const c of input.columns)
        row[c] = e[c] ?? null;
    return `${JSON.stringify(row)}\n`;
}
export function createExportJob(opts = {}) {
    return defineJob({
        type: 'export.csv',
        category: 'export',
        description: 'Export a collection of CMS entities to a CSV or NDJSON file',
        input: exportInput,
        name: (input) => `Export ${input.collection} as ${input.format.toUpperCase()}`,
        async run(ctx, input) {
            const path = resolveUnder(opts.outRoot ?? DEFAULT_OUT_ROOT, input.outFile ?? `exports/${input.collection}.${input.format}`);
            const entities = await ctx.step('load', () => {
                const found = loadEntities(opts.dataDir ?? BUNDLED_DATA_DIR, (e) => e.collection === input.collection);
                if (found.length === 0)
                    throw new NonRetryableError(`collection "${input.collection}" is empty`);
                return found;
            });
            const lines = new Map();
            const r = await ctx.each('export', entities, { key: (e) => e.id }, async (e) => {
                lines.set(e.id, renderRow(e, input));
                await pause(input.delayMs, ctx.signal);
            });
            const rows = await ctx.step('write', () => {
                const out = input.format === 'csv' ? [csvLine(input.columns)] : [];
                let count = 0;
                for (const e of entities) {
                    let line = lines.get(e.id);
                    if (line === undefined) {
                        try {
                            line = renderRow(e, input); // completed by an earlier attempt
                        }
                        catch {
                            continue; // failed (and logged) as an item already
                        }
                    }
                    out.push(line);
                    count++;
                }
                writeFileAtomic(path, out.join(''));
                return count;
            });
            ctx.log.info(`exported ${rows} of ${entities.length} rows to ${path}; ${r.failed} failed`);
            return { file: path, format: input.format, rows, failed: r.failed };
        },
    });
}
//# sourceMappingURL=export-csv.js.map