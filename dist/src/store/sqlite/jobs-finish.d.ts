import type { FinishResult, JobFinish } from '../types.ts';
import { type SqliteContext } from './context.ts';
export declare function jobFinish(ctx: SqliteContext, finishes: JobFinish[]): FinishResult[];
//# sourceMappingURL=jobs-finish.d.ts.map