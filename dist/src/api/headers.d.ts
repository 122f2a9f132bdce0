import type { Context } from 'hono';
import type { ApiEnv } from './types.ts';
export declare function setResponseHeader(c: Context, name: string, value: string): void;
export declare const REQUEST_ID = "X-Request-Id";
/** The caller's own request id when it sent a sane one, else a new UUID. */
export declare function requestIdFor(given: string | undefined): string;
/** Sets `c.get('requestId')` and `X-Request-Id` (see `requestIdFor`). */
export declare function setRequestId(c: Context<ApiEnv>): void;
//# sourceMappingURL=headers.d.ts.map