import type { Job, JobDetail, LongrunClient } from '../client/index.ts';
export declare const JOB_HEADER: string;
export declare function formatJobLine(j: Job): string;
export declare function printDetail(j: JobDetail): void;
/** Follows a job's SSE stream to its end; returns the final status. */
export declare function watchJob(client: LongrunClient, id: string, opts: {
    json: boolean;
}): Promise<string>;
//# sourceMappingURL=output.d.ts.map