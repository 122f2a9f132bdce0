/**
 * What the example job types share: where bundled data and outputs live, safe output paths,
 * atomic writes, the CMS entity shape, and the pacing delay that makes a demo's progress visible.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { NonRetryableError } from "../../src/index.js";
/** The bundled data set (entities.json, products.csv, inventory.ndjson). */
export const BUNDLED_DATA_DIR = fileURLToPath(new URL('../data/', import.meta.url));
/** Outputs go under `data/` of the working directory, which git ignores. */
export const DEFAULT_OUT_ROOT = 'data/out';
/**
 * A path inside the output root, as a job input may name it. Job input can come from anyone with a
 * `write` key over HTTP, so it may only name a relative path below the root chosen in code: no
 * absolute paths, no `..`, nothing hidden.
 */
export const relativePath = z
    .string()
    .max(200)
    .regex(/^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/, 'must be a relative path of letters, digits, ".", "_", "-" and "/", without ".." or a leading dot');
/** A bucket or collection name: also used as a directory name, so kept to a safe alphabet. */
export const identifier = z
    .string()
    .max(100)
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'must be letters, digits, "_" and "-"');
/** A plain file name (no directory), for picking a source file inside `dataDir`. */
export const fileName = z
    .string()
    .max(100)
    .regex(/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/, 'must be a file name without a directory');
/** Resolves `rel` under `root` and refuses anything that would land outside it (defence in depth). */
export function resolveUnder(root, rel) {
    const base = resolve(root);
    const full = resolve(base, rel);
    const r = relative(base, full);
    if (r.startsWith('..') || isAbsolute(r))
        throw new NonRetryableError(`path "${rel}" escapes ${base}`);
    return full;
}
/** Write to a temporary name, then rename: a reader never sees half a file, even after a crash. */
export function writeFileAtomic(path, data) {
    mkdirSync(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, data);
    renameSync(tmp, path);
}
export function readJsonFile(path) {
    return JSON.parse(readFileSync(path, 'utf8'));
}
/**
 * A CMS entity as the bundled data holds it. Only `id` is guaranteed: the data set contains
 * entities with missing or bad fields on purpose, and each job type decides what it requires.
 */
export const cmsEntity = z.looseObject({
    id: z.string().min(1),
    collection: z.string(),
    bucket: z.string(),
    type: z.string(),
    slug: z.string().optional(),
    title: z.string().optional(),
    summary: z.string().optional(),
    content: z.string().optional(),
    tags: z.array(z.string()).default([]),
    author: z.string().optional(),
    locale: z.string().optional(),
    updatedAt: z.string(),
    price: z.object({ amount: z.number(), currency: z.string() }).optional(),
});
/** Loads `entities.json` from `dataDir`; a malformed data file fails the job (retrying will not help). */
export function loadEntities(dataDir, filter) {
    const path = resolve(dataDir, 'entities.json');
    let raw;
    try {
        raw = readJsonFile(path);
    }
    catch (err) {
        throw new NonRetryableError(`cannot read ${path}: ${err.message}`, 'bad_data');
    }
    const parsed = z.array(cmsEntity).safeParse(raw);
    if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new NonRetryableError(`${path} is malformed at ${issue?.path.join('.')}: ${issue?.message}`);
    }
    return parsed.data.filter(filter);
}
/**
 * Waits `ms` but returns early once `signal` aborts. It only paces a demo, so it must not turn a
 * cancel into a failed item: the item's real work is already done when this runs.
 */
export function pause(ms, signal) {
    if (ms <= 0 || signal.aborted)
        return Promise.resolve();
    return new Promise((done) => {
        const finish = () => {
            clearTimeout(timer);
            signal.removeEventListener('abort', finish);
            done();
        };
        const timer = setTimeout(finish, ms);
        signal.addEventListener('abort', finish, { once: true });
    });
}
/** Waits `ms` or rejects with the signal's reason: a stand-in for a network call that honours abort. */
export function abortableDelay(ms, signal) {
    if (signal.aborted)
        return Promise.reject(signal.reason ?? new Error('aborted'));
    return new Promise((done, fail) => {
        const onAbort = () => {
            clearTimeout(timer);
            fail(signal.reason ?? new Error('aborted'));
        };
        const timer = setTimeout(() => {
            signal.removeEventListener('abort', onAbort);
            done();
        }, ms);
        signal.addEventListener('abort', onAbort, { once: true });
    });
}
/** `a.b: message; c: message` from a zod error, for item failure messages a person can act on. */
export function describeIssues(error) {
    return error.issues
        .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
        .join('; ');
}
//# sourceMappingURL=files.js.map