/**
 * `sync.import` (category sync): syncs product records from a source file (CSV or NDJSON) into a
 * local JSON "database" file keyed by SKU. Step `parse` reads the source into raw rows (kept, so a
 * retry does not re-read a file that may have changed); `upsert` validates each row and inserts it,
 * updates it when the source is newer, or leaves it unchanged. Malformed rows fail as items with
 * their line number.
 */
import { existsSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { z } from 'zod';
import { defineJob, NonRetryableError } from "../src/index.js";
import { parseCsv } from "./lib/csv.js";
import { BUNDLED_DATA_DIR, DEFAULT_OUT_ROOT, describeIssues, fileName, pause, readJsonFile, relativePath, resolveUnder, writeFileAtomic, } from "./lib/files.js";
export const COLUMNS = ['sku', 'name', 'price', 'currency', 'stock', 'updatedAt'];
// CSV gives strings and NDJSON gives numbers: accept both, but never let "" or "seventy" become 0.
const toNumber = (v) => (typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : v);
const required = { error: 'is required' };
export const productRecord = z.object({
    sku: z.string(required).trim().min(1, 'is required'),
    name: z.string(required).trim().min(1, 'is required'),
    price: z.preprocess(toNumber, z.number({ error: 'must be a number' }).nonnegative('must not be negative')),
    currency: z.string(required).regex(/^[A-Z]{3}$/, 'must be a 3-letter ISO code'),
    stock: z.preprocess(toNumber, z.number({ error: 'must be a number' }).int('must be a whole number').nonnegative('must not be negative')),
    updatedAt: z
        .string(required)
        .refine((s) => /^\d{4}-\d{2}-\d{2}T/.test(s) && !Number.isNaN(Date.parse(s)), 'must be an ISO 8601 time')
        .transform((s) => new Date(s).toISOString()),
});
export function parseSource(text, format) {
    if (format === 'ndjson') {
        const rows = [];
        text.split('\n').forEach((raw, i) => {
            if (!raw.trim())
                return; // blank lines separate nothing in NDJSON
            try {
                const value = JSON.parse(raw);
                if (value && typeof value === 'object' && !Array.isArray(value)) {
                    rows.push({ line: i + 1, values: value, error: null });
                }
                else
                    rows.push({ line: i + 1, values: null, error: 'not a JSON object' });
            }
            catch (err) {
                rows.push({ line: i + 1, values: null, error: `invalid JSON: ${err.message}` });
            }
        });
        return rows;
    }
    const [header, ...records] = parseCsv(text);
    const names = header?.fields.map((f) => f.trim()) ?? [];
    const missing = COLUMNS.filter((c) => !names.includes(c));
    // A wrong header is the file's fault, not a row's: fail the job rather than every row.
    if (missing.length > 0)
        throw new NonRetryableError(`CSV header lacks column(s): ${missing.join(', ')}`);
    return records.map((r) => {
        if (r.error)
            return { line: r.line, values: null, error: r.error };
        if (r.fields.length !== names.length) {
            return {
                line: r.line,
                values: null,
                error: `expected ${names.length} fields (${names.join(',')}), got ${r.fields.length}`,
            };
        }
        return { line: r.line, values: Object.fromEntries(names.map((n, i) => [n, r.fields[i]])), error: null };
    });
}
/**
 * Read, change and write the database file in one synchronous run: no other job in this process
 * can interleave, so two syncs into one file do not lose each other's rows. (Several processes
 * writing one file would need a lock or a real database.) Idempotent, as a resumed attempt may
 * repeat the item that was in flight.
 */
export function upsertRecord(path, rec) {
    const db = existsSync(path) ? readJsonFile(path) : { records: {} };
    const existing = db.records[rec.sku];
    if (existing && existing.updatedAt >= rec.updatedAt)
        return 'unchanged';
    db.records[rec.sku] = rec;
    const sorted = Object.fromEntries(Object.entries(db.records).sort(([a], [b]) => (a < b ? -1 : 1)));
    writeFileAtomic(path, `${JSON.stringify({ records: sorted }, null, 2)}\n`);
    return existing ? 'updated' : 'inserted';
}
export const syncImportInput = z.strictObject({
    /** A file in the data directory (default: the bundled `products.csv`). */
    source: fileName.default('products.csv'),
    /** Default: from the file extension (`.csv`, `.ndjson`/`.jsonl`). */
    format: z.enum(['csv', 'ndjson']).optional(),
    /** The database file, under the output root. */
    database: relativePath.default('db/products.json'),
    /** Pause after each row, so a demo's progress can be watched. */
    delayMs: z.number().int().min(0).max(60_000).default(10),
});
function formatOf(input) {
    if (input.format)
        return input.format;
    const ext = extname(input.source).toLowerCase();
    if (ext === '.csv')
        return 'csv';
    if (ext === '.ndjson' || ext === '.jsonl')
        return 'ndjson';
    throw new NonRetryableError(`cannot tell the format of "${input.source}"; pass format: 'csv' or 'ndjson'`);
}
export function createSyncImportJob(opts = {}) {
    return defineJob({
        type: 'sync.import',
        category: 'sync',
        description: 'Sync products from a CSV or NDJSON source file into a local JSON database',
        input: syncImportInput,
        name: (input) => `Sync ${input.source} into ${input.database}`,
        async run(ctx, input) {
            const dbPath = resolveUnder(opts.outRoot ?? DEFAULT_OUT_ROOT, input.database);
            const rows = await ctx.step('parse', () => {
                const path = resolveUnder(opts.dataDir ?? BUNDLED_DATA_DIR, input.source);
                if (!existsSync(path))
                    throw new NonRetryableError(`source file ${input.source} not found`);
                return parseSource(readFileSync(path, 'utf8'), formatOf(input));
            });
            ctx.log.info(`parsed ${rows.length} rows from ${input.source}`);
            const counts = { inserted: 0, updated: 0, unchanged: 0 };
            // One row at a time: rows may repeat a SKU, and the later row must win.
            const r = await ctx.each('upsert', rows, { key: (row) => `line-${row.line}` }, async (row) => {
                if (row.error !== null)
                    throw new Error(`line ${row.line}: ${row.error}`);
                const parsed = productRecord.safeParse(row.values);
                if (!parsed.success) {
                    const sku = typeof row.values?.sku === 'string' && row.values.sku ? ` (${row.values.sku})` : '';
                    throw new Error(`line ${row.line}${sku}: ${describeIssues(parsed.error)}`);
                }
                counts[upsertRecord(dbPath, { ...parsed.data, source: input.source, line: row.line })]++;
                await pause(input.delayMs, ctx.signal);
            });
            ctx.log.info(`synced ${input.source}: ${counts.inserted} inserted, ${counts.updated} updated, ` +
                `${counts.unchanged} unchanged, ${r.failed} failed`);
            // The counts cover this attempt; rows an earlier attempt completed are in `resumed`.
            return { source: input.source, database: dbPath, ...counts, failed: r.failed, resumed: r.skipped };
        },
    });
}
//# sourceMappingURL=sync-import.js.map