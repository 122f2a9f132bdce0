import { z } from 'zod';
/** The bundled data set (entities.json, products.csv, inventory.ndjson). */
export declare const BUNDLED_DATA_DIR: string;
/** Outputs go under `data/` of the working directory, which git ignores. */
export declare const DEFAULT_OUT_ROOT = "data/out";
/** Module options every example accepts; tests point both at temporary directories. */
export interface ExampleFileOptions {
    /** Root of every output path (default `data/out`, relative to the working directory). */
    outRoot?: string;
    /** Where input data is read from (default: the bundled `examples/data/`). */
    dataDir?: string;
}
/**
 * A path inside the output root, as a job input may name it. Job input can come from anyone with a
 * `write` key over HTTP, so it may only name a relative path below the root chosen in code: no
 * absolute paths, no `..`, nothing hidden.
 */
export declare const relativePath: z.ZodString;
/** A bucket or collection name: also used as a directory name, so kept to a safe alphabet. */
export declare const identifier: z.ZodString;
/** A plain file name (no directory), for picking a source file inside `dataDir`. */
export declare const fileName: z.ZodString;
/** Resolves `rel` under `root` and refuses anything that would land outside it (defence in depth). */
export declare function resolveUnder(root: string, rel: string): string;
/** Write to a temporary name, then rename: a reader never sees half a file, even after a crash. */
export declare function writeFileAtomic(path: string, data: string): void;
export declare function readJsonFile(path: string): unknown;
/**
 * A CMS entity as the bundled data holds it. Only `id` is guaranteed: the data set contains
 * entities with missing or bad fields on purpose, and each job type decides what it requires.
 */
export declare const cmsEntity: z.ZodObject<{
    id: z.ZodString;
    collection: z.ZodString;
    bucket: z.ZodString;
    type: z.ZodString;
    slug: z.ZodOptional<z.ZodString>;
    title: z.ZodOptional<z.ZodString>;
    summary: z.ZodOptional<z.ZodString>;
    content: z.ZodOptional<z.ZodString>;
    tags: z.ZodDefault<z.ZodArray<z.ZodString>>;
    author: z.ZodOptional<z.ZodString>;
    locale: z.ZodOptional<z.ZodString>;
    updatedAt: z.ZodString;
    price: z.ZodOptional<z.ZodObject<{
        amount: z.ZodNumber;
        currency: z.ZodString;
    }, z.core.$strip>>;
}, z.core.$loose>;
export type CmsEntity = z.infer<typeof cmsEntity>;
/** Loads `entities.json` from `dataDir`; a malformed data file fails the job (retrying will not help). */
export declare function loadEntities(dataDir: string, filter: (e: CmsEntity) => boolean): CmsEntity[];
/**
 * Waits `ms` but returns early once `signal` aborts. It only paces a demo, so it must not turn a
 * cancel into a failed item: the item's real work is already done when this runs.
 */
export declare function pause(ms: number, signal: AbortSignal): Promise<void>;
/** Waits `ms` or rejects with the signal's reason: a stand-in for a network call that honours abort. */
export declare function abortableDelay(ms: number, signal: AbortSignal): Promise<void>;
/** `a.b: message; c: message` from a zod error, for item failure messages a person can act on. */
export declare function describeIssues(error: z.ZodError): string;
//# sourceMappingURL=files.d.ts.map