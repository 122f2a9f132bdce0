/**
 * The job series of `/metrics`, read from the store (see metrics.ts for how each is derived). They
 * cover every worker on the store, so one process of a deployment reports them.
 */
import { type Registry } from 'prom-client';
import type { Longrun } from '../engine/longrun.ts';
export declare function registerJobMetrics(registry: Registry, longrun: Longrun, maxEvents: number): {
    catchUp(): Promise<void>;
};
//# sourceMappingURL=metrics-jobs.d.ts.map