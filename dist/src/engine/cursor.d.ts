/**
 * The longest an item cursor gets: a 200-character step and a 1,000-character key (the engine's
 * limits), 3 bytes each in UTF-8 at worst, in base64url, is under 4,900 characters.
 */
export declare const MAX_CURSOR = 6000;
export declare class CursorCodec {
    private readonly key;
    constructor(key: string);
    encodeJob(position: number): string;
    decodeJob(cursor: string): number;
    /** An item cursor: the step and key of the page's last item, NUL between them. */
    encodeItem(step: string, key: string): string;
    /** `step + NUL + key`, what `Store.itemList` takes as `after`. */
    decodeItem(cursor: string): string;
    private mac;
    private seal;
    /** The text inside a cursor this store signed, or null. */
    private open;
}
//# sourceMappingURL=cursor.d.ts.map