/**
 * Job types are defined in code and collected in a registry that rejects duplicate types and
 * categories outside the configured set.
 *
 * ```ts
 * const publish = defineJob({
 *   type: 'seo.publish', category: 'seo',
 *   input: z.strictObject({ entityIds: z.array(z.string()) }),
 *   async run(ctx, input) {
 *     await ctx.each('publish', input.entityIds, { key: (id) => id }, async (id) => publishOne(id));
 *   },
 * });
 * ```
 */
import { z } from 'zod';
import { DEFAULT_CATEGORIES } from "../core/categories.js";
import { LongrunError } from "../core/errors.js";
export function defineJob(def) {
    if (!/^[a-z0-9][a-z0-9._-]{0,99}$/i.test(def.type)) {
        throw new LongrunError('invalid_input', `job type "${def.type}" must be 1-100 letters, digits, '.', '_' or '-'`);
    }
    return def;
}
export class JobRegistry {
    defs = new Map();
    /** `describe()`'s answer, kept until the next `register`: a JSON Schema per type is not free. */
    described = null;
    categories;
    constructor(opts = {}) {
        this.categories = opts.categories ?? DEFAULT_CATEGORIES;
        for (const def of opts.jobs ?? [])
            this.register(def);
    }
    register(def) {
        if (this.defs.has(def.type)) {
            throw new LongrunError('duplicate_job_type', `job type "${def.type}" is already registered`);
        }
        if (!this.categories.includes(def.category)) {
            throw new LongrunError('unknown_category', `job type "${def.type}" has category "${def.category}"; configured categories: ${this.categories.join(', ')}`);
        }
        this.defs.set(def.type, def);
        this.described = null;
    }
    get(type) {
        return this.defs.get(type);
    }
    require(type) {
        const def = this.defs.get(type);
        if (!def) {
            throw new LongrunError('unknown_job_type', `unknown job type "${type}"`, {
                details: [
                    { path: 'type', message: `registered types: ${[...this.defs.keys()].join(', ') || '(none)'}` },
                ],
            });
        }
        return def;
    }
    types() {
        return [...this.defs.keys()];
    }
    describe() {
        this.described ??= [...this.defs.values()].map((d) => ({
            type: d.type,
            category: d.category,
            description: d.description ?? null,
            // The schema a client must send, so a field with a default is optional (the output side,
            // zod's default, would list it as required).
            inputSchema: z.toJSONSchema(d.input, { io: 'input', unrepresentable: 'any' }),
            maxAttempts: d.retry?.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
            timeoutMs: d.timeoutMs ?? null,
        }));
        return this.described;
    }
}
export const DEFAULT_MAX_ATTEMPTS = 3;
/** Exponential backoff with full jitter over the upper half: delay ∈ [cap/2, cap]. */
export function retryDelay(policy, attempt, random = Math.random) {
    const base = policy?.baseDelayMs ?? 1_000;
    const max = policy?.maxDelayMs ?? 5 * 60_000;
    const cap = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
    return Math.round(cap / 2 + random() * (cap / 2));
}
//# sourceMappingURL=define.js.map