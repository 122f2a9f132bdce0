/**
 * Group commit for single enqueues. Every `enqueue` made in one turn of the event loop (a loaded API
 * server handles dozens of `POST /api/v1/jobs` per turn) goes into one `jobInsert`: one write
 * transaction instead of one each. The stores already treat a batch like a sequence of single
 * inserts, idempotency keys repeated inside it included (conformance: store-conformance-claim.ts).
 *
 * The cost is at most one loop turn of latency: the batch is flushed by `setImmediate`, after the
 * turn's I/O callbacks, or at once when it reaches `maxBatch`.
 *
 * ```ts
 * const inserts = new InsertBatcher(store);
 * const result = await inserts.insert(row); // resolves after the batch's commit
 * ```
 */
import { LongrunError } from "../core/errors.js";
export class InsertBatcher {
    store;
    maxBatch;
    waiting = [];
    scheduled = false;
    constructor(store, maxBatch = 500) {
        this.store = store;
        this.maxBatch = maxBatch;
    }
    insert(row) {
        return new Promise((resolve, reject) => {
            this.waiting.push({ row, resolve, reject });
            if (this.waiting.length >= this.maxBatch)
                this.flush();
            else if (!this.scheduled) {
                this.scheduled = true;
                setImmediate(() => {
                    this.scheduled = false;
                    this.flush();
                });
            }
        });
    }
    flush() {
        const batch = this.waiting;
        if (batch.length === 0)
            return;
        this.waiting = [];
        this.store.jobInsert({ jobs: batch.map((w) => w.row) }).then((results) => {
            for (const [i, w] of batch.entries()) {
                const r = results[i];
                if (r)
                    w.resolve(r);
                else
                    w.reject(new LongrunError('internal', 'insert returned no result for a job'));
            }
        }, (err) => {
            for (const w of batch)
                w.reject(err);
        });
    }
}
//# sourceMappingURL=insert-batcher.js.map