import type { ClaimedJob, InsertResult, Lease, LeaseState, NewJob } from '../types.ts';
import { type PgContext } from './context.ts';
export declare function jobInsert(ctx: PgContext, jobs: NewJob[]): Promise<InsertResult[]>;
export declare function jobClaim(ctx: PgContext, p: {
    workerId: string;
    limit: number;
    types: string[];
    leaseMs: number;
}): Promise<ClaimedJob[]>;
export declare function jobHeartbeat(ctx: PgContext, p: {
    leases: Lease[];
    leaseMs: number;
}): Promise<Map<string, LeaseState>>;
//# sourceMappingURL=jobs-write.d.ts.map