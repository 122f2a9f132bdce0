/**
 * A job's public JSON form (DESIGN.md §2): what the API returns for a job and its detail, and what
 * every client reads. Fields are picked one by one so nothing internal (workspaceId, runAt,
 * priority, lease data, a step's resume state) leaks by accident when the engine grows a field.
 * Stores that write this JSON themselves (`Store.jobListJson`, `Store.jobDetailJson`) are held to
 * these functions by the conformance suite.
 *
 * ```ts
 * JSON.stringify(toJobJson(job)); // {"id":"…","name":"…","type":"…","category":"seo",…}
 * jobsJsonText(jobs) === JSON.stringify(jobs.map(toJobJson)); // true, byte for byte
 * ```
 */
import type { Job, JobDetail, LogEntry } from './job.ts';
export declare function toJobJson(j: Job): {
    id: string;
    name: string;
    type: string;
    category: string;
    status: "pending" | "running" | "completed" | "failed" | "cancelled";
    progress: {
        total: number;
        completed: number;
        failed: number;
    };
    createdAt: number;
    completedAt: number | null;
    startedAt: number | null;
    updatedAt: number;
    attempt: number;
    maxAttempts: number;
    currentStep: string | null;
    cancelRequestedAt: number | null;
    error: {
        code: string;
        message: string;
    } | null;
};
/**
 * The JSON text of `jobs.map(toJobJson)`, byte for byte (a test holds it to that), written field by
 * field: a list page is 20 jobs on every request, and the generic stringify of the intermediate
 * objects cost about a third more.
 */
export declare function jobsJsonText(jobs: readonly Job[]): string;
export declare function toLogJson(l: LogEntry): {
    id: number;
    timestamp: number;
    level: "info" | "warn" | "error";
    message: string;
    step: string | null;
    attempt: number;
};
/**
 * A job with its input, result, newest logs, steps and attempts: `GET /api/v1/jobs/:id`, and the
 * SSE snapshot (which leaves out log lines after `maxLogId`, its resume point).
 *
 * Object.assign rather than `{ ...toJobJson(d), … }`: on Node 20's V8, a loop that builds objects
 * by spread promotes megabytes out of the young generation per scavenge where Object.assign
 * promotes nothing (`--trace-gc-nvp`). Under load that stretched every scavenge to 5–15 ms, which
 * was this endpoint's whole p99. The same holds wherever a hot path builds an object.
 */
export declare function toJobDetailJson(d: JobDetail, opts?: {
    maxLogId?: number;
}): {
    id: string;
    name: string;
    type: string;
    category: string;
    status: "pending" | "running" | "completed" | "failed" | "cancelled";
    progress: {
        total: number;
        completed: number;
        failed: number;
    };
    createdAt: number;
    completedAt: number | null;
    startedAt: number | null;
    updatedAt: number;
    attempt: number;
    maxAttempts: number;
    currentStep: string | null;
    cancelRequestedAt: number | null;
    error: {
        code: string;
        message: string;
    } | null;
} & {
    input: unknown;
    result: unknown;
    logs: {
        id: number;
        timestamp: number;
        level: "info" | "warn" | "error";
        message: string;
        step: string | null;
        attempt: number;
    }[];
    logsTotal: number;
    steps: {
        name: string;
        status: "running" | "completed" | "failed";
        attempt: number;
        startedAt: number;
        completedAt: number | null;
    }[];
    attempts: {
        attempt: number;
        workerId: string | null;
        startedAt: number;
        endedAt: number | null;
        outcome: "completed" | "failed" | "cancelled" | "crashed" | "timed_out" | "released" | null;
        error: string | null;
    }[];
};
//# sourceMappingURL=job-json.d.ts.map