/**
 * The zod schemas of the public API: response shapes (documentation and test contracts) and the
 * query parsers every route validates with. The same objects feed `/api/v1/openapi.json`, so the
 * document cannot drift from what the routes accept.
 *
 * Response schemas are not run on every response (that would cost a few µs per job on a hot list
 * path); the tests parse real responses with them instead.
 */
import { z } from 'zod';
export declare const ProgressSchema: z.ZodObject<{
    total: z.ZodNumber;
    completed: z.ZodNumber;
    failed: z.ZodNumber;
}, z.core.$strip>;
/** The seed's job fields plus the extras of DESIGN.md §2; `workspaceId`, `runAt` and `priority` stay internal. */
export declare const JobSchema: z.ZodObject<{
    id: z.ZodString;
    name: z.ZodString;
    type: z.ZodString;
    category: z.ZodString;
    status: z.ZodEnum<{
        pending: "pending";
        running: "running";
        completed: "completed";
        failed: "failed";
        cancelled: "cancelled";
    }>;
    progress: z.ZodObject<{
        total: z.ZodNumber;
        completed: z.ZodNumber;
        failed: z.ZodNumber;
    }, z.core.$strip>;
    createdAt: z.ZodNumber;
    completedAt: z.ZodNullable<z.ZodNumber>;
    startedAt: z.ZodNullable<z.ZodNumber>;
    updatedAt: z.ZodNumber;
    attempt: z.ZodNumber;
    maxAttempts: z.ZodNumber;
    currentStep: z.ZodNullable<z.ZodString>;
    cancelRequestedAt: z.ZodNullable<z.ZodNumber>;
    error: z.ZodNullable<z.ZodObject<{
        code: z.ZodString;
        message: z.ZodString;
    }, z.core.$strip>>;
}, z.core.$strip>;
export declare const LogEntrySchema: z.ZodObject<{
    id: z.ZodNumber;
    timestamp: z.ZodNumber;
    level: z.ZodEnum<{
        info: "info";
        warn: "warn";
        error: "error";
    }>;
    message: z.ZodString;
    step: z.ZodNullable<z.ZodString>;
    attempt: z.ZodNumber;
}, z.core.$strip>;
export declare const StepSchema: z.ZodObject<{
    name: z.ZodString;
    status: z.ZodEnum<{
        running: "running";
        completed: "completed";
        failed: "failed";
    }>;
    attempt: z.ZodNumber;
    startedAt: z.ZodNumber;
    completedAt: z.ZodNullable<z.ZodNumber>;
}, z.core.$strip>;
export declare const AttemptSchema: z.ZodObject<{
    attempt: z.ZodNumber;
    workerId: z.ZodNullable<z.ZodString>;
    startedAt: z.ZodNumber;
    endedAt: z.ZodNullable<z.ZodNumber>;
    outcome: z.ZodNullable<z.ZodEnum<{
        completed: "completed";
        failed: "failed";
        cancelled: "cancelled";
        crashed: "crashed";
        timed_out: "timed_out";
        released: "released";
    }>>;
    error: z.ZodNullable<z.ZodString>;
}, z.core.$strip>;
export declare const JobDetailSchema: z.ZodObject<{
    id: z.ZodString;
    name: z.ZodString;
    type: z.ZodString;
    category: z.ZodString;
    status: z.ZodEnum<{
        pending: "pending";
        running: "running";
        completed: "completed";
        failed: "failed";
        cancelled: "cancelled";
    }>;
    progress: z.ZodObject<{
        total: z.ZodNumber;
        completed: z.ZodNumber;
        failed: z.ZodNumber;
    }, z.core.$strip>;
    createdAt: z.ZodNumber;
    completedAt: z.ZodNullable<z.ZodNumber>;
    startedAt: z.ZodNullable<z.ZodNumber>;
    updatedAt: z.ZodNumber;
    attempt: z.ZodNumber;
    maxAttempts: z.ZodNumber;
    currentStep: z.ZodNullable<z.ZodString>;
    cancelRequestedAt: z.ZodNullable<z.ZodNumber>;
    error: z.ZodNullable<z.ZodObject<{
        code: z.ZodString;
        message: z.ZodString;
    }, z.core.$strip>>;
    input: z.ZodUnknown;
    result: z.ZodUnknown;
    logs: z.ZodArray<z.ZodObject<{
        id: z.ZodNumber;
        timestamp: z.ZodNumber;
        level: z.ZodEnum<{
            info: "info";
            warn: "warn";
            error: "error";
        }>;
        message: z.ZodString;
        step: z.ZodNullable<z.ZodString>;
        attempt: z.ZodNumber;
    }, z.core.$strip>>;
    logsTotal: z.ZodNumber;
    steps: z.ZodArray<z.ZodObject<{
        name: z.ZodString;
        status: z.ZodEnum<{
            running: "running";
            completed: "completed";
            failed: "failed";
        }>;
        attempt: z.ZodNumber;
        startedAt: z.ZodNumber;
        completedAt: z.ZodNullable<z.ZodNumber>;
    }, z.core.$strip>>;
    attempts: z.ZodArray<z.ZodObject<{
        attempt: z.ZodNumber;
        workerId: z.ZodNullable<z.ZodString>;
        startedAt: z.ZodNumber;
        endedAt: z.ZodNullable<z.ZodNumber>;
        outcome: z.ZodNullable<z.ZodEnum<{
            completed: "completed";
            failed: "failed";
            cancelled: "cancelled";
            crashed: "crashed";
            timed_out: "timed_out";
            released: "released";
        }>>;
        error: z.ZodNullable<z.ZodString>;
    }, z.core.$strip>>;
}, z.core.$strip>;
export declare const ItemSchema: z.ZodObject<{
    step: z.ZodString;
    key: z.ZodString;
    status: z.ZodEnum<{
        completed: "completed";
        failed: "failed";
    }>;
    error: z.ZodNullable<z.ZodString>;
    attempt: z.ZodNumber;
    updatedAt: z.ZodNumber;
}, z.core.$strip>;
export declare const CancelResultSchema: z.ZodObject<{
    id: z.ZodString;
    status: z.ZodLiteral<"cancelled">;
}, z.core.$strip>;
export declare const ErrorSchema: z.ZodObject<{
    error: z.ZodObject<{
        code: z.ZodString;
        message: z.ZodString;
        details: z.ZodOptional<z.ZodArray<z.ZodObject<{
            path: z.ZodOptional<z.ZodString>;
            message: z.ZodString;
        }, z.core.$loose>>>;
    }, z.core.$strip>;
}, z.core.$strip>;
export declare const JobTypeSchema: z.ZodObject<{
    type: z.ZodString;
    category: z.ZodString;
    description: z.ZodNullable<z.ZodString>;
    inputSchema: z.ZodUnknown;
    maxAttempts: z.ZodNumber;
    timeoutMs: z.ZodNullable<z.ZodNumber>;
}, z.core.$strip>;
export declare const StatsSchema: z.ZodObject<{
    total: z.ZodNumber;
    byStatus: z.ZodRecord<z.ZodString, z.ZodNumber>;
    byCategory: z.ZodRecord<z.ZodString, z.ZodRecord<z.ZodString, z.ZodNumber>>;
}, z.core.$strip>;
export declare const SCOPES: readonly ["read", "write", "admin"];
export type Scope = (typeof SCOPES)[number];
export declare const ApiKeySchema: z.ZodObject<{
    id: z.ZodString;
    name: z.ZodString;
    workspace: z.ZodString;
    scope: z.ZodEnum<{
        read: "read";
        write: "write";
        admin: "admin";
    }>;
    prefix: z.ZodString;
    createdAt: z.ZodNumber;
    revokedAt: z.ZodNullable<z.ZodNumber>;
    lastUsedAt: z.ZodNullable<z.ZodNumber>;
}, z.core.$strip>;
export declare const CreatedApiKeySchema: z.ZodObject<{
    id: z.ZodString;
    name: z.ZodString;
    workspace: z.ZodString;
    scope: z.ZodEnum<{
        read: "read";
        write: "write";
        admin: "admin";
    }>;
    prefix: z.ZodString;
    createdAt: z.ZodNumber;
    revokedAt: z.ZodNullable<z.ZodNumber>;
    lastUsedAt: z.ZodNullable<z.ZodNumber>;
    key: z.ZodString;
}, z.core.$strip>;
/**
 * A comma list of allowed values (`status=pending,running`). The error names every allowed value,
 * as the contract requires, both in the message and in `details[].allowed`.
 */
export declare function commaList<T extends string>(name: string, allowed: readonly T[]): z.ZodPipe<z.ZodString, z.ZodTransform<T[], string>>;
/** An integer query parameter in `[min, max]`; never clamped: out of range is a 400. */
export declare function intParam(name: string, min: number, max: number): z.ZodPipe<z.ZodString, z.ZodTransform<number, string>>;
/**
 * Client text that reaches a text column or a lookup. PostgreSQL text cannot hold NUL (a query
 * carrying one fails outright), so neither backend accepts it from a client: a 400 on both, not a
 * 404 on one and a 500 on the other.
 */
export declare function clientText(max: number): z.ZodString;
export declare const IdParams: z.ZodObject<{
    id: z.ZodString;
}, z.core.$strict>;
//# sourceMappingURL=schemas.d.ts.map