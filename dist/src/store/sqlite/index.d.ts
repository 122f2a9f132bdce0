import type { SqliteStoreOptions } from '../options.ts';
import type { Store } from '../types.ts';
export type { SqliteStoreOptions } from '../options.ts';
export declare function createSqliteStore(opts: SqliteStoreOptions): Promise<Store>;
//# sourceMappingURL=index.d.ts.map