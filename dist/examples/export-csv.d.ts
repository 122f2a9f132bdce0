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
import { type CmsEntity, type ExampleFileOptions } from './lib/files.ts';
export declare const EXPORT_COLUMNS: readonly ["id", "collection", "bucket", "type", "slug", "title", "summary", "tags", "author", "locale", "updatedAt", "price"];
export declare const exportInput: z.ZodObject<{
    collection: z.ZodString;
    format: z.ZodDefault<z.ZodEnum<{
        csv: "csv";
        ndjson: "ndjson";
    }>>;
    outFile: z.ZodOptional<z.ZodString>;
    columns: z.ZodDefault<z.ZodArray<z.ZodEnum<{
        type: "type";
        id: "id";
        updatedAt: "updatedAt";
        title: "title";
        summary: "summary";
        tags: "tags";
        collection: "collection";
        bucket: "bucket";
        slug: "slug";
        author: "author";
        locale: "locale";
        price: "price";
    }>>>;
    required: z.ZodDefault<z.ZodArray<z.ZodEnum<{
        type: "type";
        id: "id";
        updatedAt: "updatedAt";
        title: "title";
        summary: "summary";
        tags: "tags";
        collection: "collection";
        bucket: "bucket";
        slug: "slug";
        author: "author";
        locale: "locale";
        price: "price";
    }>>>;
    delayMs: z.ZodDefault<z.ZodNumber>;
}, z.core.$strict>;
export type ExportInput = z.infer<typeof exportInput>;
/** One output line for an entity; throws when a required column is empty. */
export declare function renderRow(e: CmsEntity, input: ExportInput): string;
export declare function createExportJob(opts?: ExampleFileOptions): import("../src/index.ts").JobDefinition<{
    collection: string;
    format: "csv" | "ndjson";
    columns: ("type" | "id" | "updatedAt" | "title" | "summary" | "tags" | "collection" | "bucket" | "slug" | "author" | "locale" | "price")[];
    required: ("type" | "id" | "updatedAt" | "title" | "summary" | "tags" | "collection" | "bucket" | "slug" | "author" | "locale" | "price")[];
    delayMs: number;
    outFile?: string | undefined;
}, {
    file: string;
    format: "csv" | "ndjson";
    rows: number;
    failed: number;
}>;
//# sourceMappingURL=export-csv.d.ts.map