import { z } from 'zod';
import { type ExampleFileOptions } from './lib/files.ts';
/** One source row before validation: its values, or why it could not even be read. */
export interface SourceRow {
    line: number;
    values: Record<string, unknown> | null;
    error: string | null;
}
export declare const COLUMNS: readonly ["sku", "name", "price", "currency", "stock", "updatedAt"];
export declare const productRecord: z.ZodObject<{
    sku: z.ZodString;
    name: z.ZodString;
    price: z.ZodPreprocess<z.ZodNumber, unknown>;
    currency: z.ZodString;
    stock: z.ZodPreprocess<z.ZodNumber, unknown>;
    updatedAt: z.ZodPipe<z.ZodString, z.ZodTransform<string, string>>;
}, z.core.$strip>;
export type ProductRecord = z.infer<typeof productRecord>;
export interface ProductDatabase {
    records: Record<string, ProductRecord & {
        source: string;
        line: number;
    }>;
}
export declare function parseSource(text: string, format: 'csv' | 'ndjson'): SourceRow[];
export type UpsertOutcome = 'inserted' | 'updated' | 'unchanged';
/**
 * Read, change and write the database file in one synchronous run: no other job in this process
 * can interleave, so two syncs into one file do not lose each other's rows. (Several processes
 * writing one file would need a lock or a real database.) Idempotent, as a resumed attempt may
 * repeat the item that was in flight.
 */
export declare function upsertRecord(path: string, rec: ProductDatabase['records'][string]): UpsertOutcome;
export declare const syncImportInput: z.ZodObject<{
    source: z.ZodDefault<z.ZodString>;
    format: z.ZodOptional<z.ZodEnum<{
        csv: "csv";
        ndjson: "ndjson";
    }>>;
    database: z.ZodDefault<z.ZodString>;
    delayMs: z.ZodDefault<z.ZodNumber>;
}, z.core.$strict>;
export type SyncImportInput = z.infer<typeof syncImportInput>;
export declare function createSyncImportJob(opts?: ExampleFileOptions): import("../src/index.ts").JobDefinition<{
    source: string;
    database: string;
    delayMs: number;
    format?: "csv" | "ndjson" | undefined;
}, {
    failed: number;
    resumed: number;
    inserted: number;
    updated: number;
    unchanged: number;
    source: string;
    database: string;
}>;
//# sourceMappingURL=sync-import.d.ts.map