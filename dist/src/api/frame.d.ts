/**
 * The frame around every request: its id, its timing and the body size limit before any handler or
 * auth runs; afterwards, the latency histogram and a warning for a 5xx. One middleware on purpose:
 * each middleware layer is a closure and a promise per request, and these always run together.
 * `recordRequest` is the "afterwards" half, shared with the direct path (direct.ts).
 *
 * ```ts
 * app.use(requestFrame(deps));
 * ```
 */
import type { MiddlewareHandler } from 'hono';
import type { ApiDeps, ApiEnv } from './types.ts';
export declare function requestFrame(deps: ApiDeps): MiddlewareHandler<ApiEnv>;
export declare function recordRequest(deps: ApiDeps, r: {
    method: string;
    route: string;
    status: number;
    started: number;
    requestId: string;
}): void;
//# sourceMappingURL=frame.d.ts.map