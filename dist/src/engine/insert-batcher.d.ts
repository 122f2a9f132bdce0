import type { InsertResult, NewJob, Store } from '../store/types.ts';
export declare class InsertBatcher {
    private readonly store;
    private readonly maxBatch;
    private waiting;
    private scheduled;
    constructor(store: Store, maxBatch?: number);
    insert(row: NewJob): Promise<InsertResult>;
    private flush;
}
//# sourceMappingURL=insert-batcher.d.ts.map