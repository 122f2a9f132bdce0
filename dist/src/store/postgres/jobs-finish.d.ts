import type { FinishResult, JobFinish, JobWriteBatch } from '../types.ts';
import { type PgContext } from './context.ts';
export declare function buffersNothing(w: Omit<JobWriteBatch, 'lease'> | undefined): boolean;
export declare function jobFinishFast(ctx: PgContext, finishes: JobFinish[]): Promise<FinishResult[]>;
//# sourceMappingURL=jobs-finish.d.ts.map