import { LongrunError } from "../core/errors.js";
import { errorResponse } from "./errors.js";
import { setRequestId } from "./headers.js";
export function requestFrame(deps) {
    return async (c, next) => {
        const started = performance.now();
        setRequestId(c);
        const length = Number(c.req.header('content-length') ?? 0);
        if (length > deps.maxBodyBytes) {
            c.res = errorResponse(c, new LongrunError('payload_too_large', `request body exceeds ${deps.maxBodyBytes} bytes`, {
                details: [{ message: `maximum body size is ${deps.maxBodyBytes} bytes`, limit: deps.maxBodyBytes }],
            }));
        }
        else {
            await next();
        }
        recordRequest(deps, {
            method: c.req.method,
            route: c.get('route') ?? 'unmatched',
            status: c.res.status,
            started,
            requestId: c.get('requestId'),
        });
    };
}
export function recordRequest(deps, r) {
    deps.metrics.observeHttp(r.method, r.route, r.status, (performance.now() - r.started) / 1000);
    if (r.status >= 500)
        deps.logger.warn({ requestId: r.requestId, status: r.status, route: r.route }, 'request failed');
}
//# sourceMappingURL=frame.js.map