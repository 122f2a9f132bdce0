import type { PostgresStoreOptions } from '../options.ts';
import type { Store } from '../types.ts';
import { mapError } from './db.ts';
export type { PostgresStoreOptions } from '../options.ts';
export declare function createPostgresStore(opts: PostgresStoreOptions): Promise<Store>;
export { mapError };
//# sourceMappingURL=index.d.ts.map