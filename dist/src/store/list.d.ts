import type { JobListParams } from './types.ts';
/** The equality combinations that drive a list query; each is served by one ordered index range. */
export declare function listCombos(p: JobListParams): {
    status?: string;
    category?: string;
    type?: string;
}[];
/** An item cursor is `step` NUL `key` of the last item seen. */
export declare function splitItemCursor(cursor: string): [string, string];
//# sourceMappingURL=list.d.ts.map