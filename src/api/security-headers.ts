/**
 * The response headers every answer carries, decided once here for both request paths (the Hono
 * frame, frame.ts, and the direct path, direct.ts):
 *
 * - `X-Content-Type-Options: nosniff` on every answer: a JSON body or an error echoing client text
 *   is never sniffed into HTML by a browser.
 * - `Cache-Control: no-store` on every answer of a route that needs a credential (route.ts), errors
 *   included: a job's input, a key listing or a 401 must not be kept by a shared cache or the
 *   browser's disk cache. Event streams say `no-store, no-transform`.
 * - CORS: off unless `corsOrigins` lists origins. Then a request whose `Origin` is listed gets
 *   `Access-Control-Allow-Origin` with that origin (never `*`), the headers a client reads exposed,
 *   and `Vary: Origin`; a preflight from a listed origin is answered `204` before any key is
 *   checked. Credentials (cookies) are never allowed across origins: the dashboard session is
 *   same-origin by design (session-auth.ts), so a page on another origin authenticates with a
 *   Bearer key.
 *
 * ```ts
 * const cors = corsPolicy(['https://app.example.com']);
 * cors.headersFor('https://app.example.com'); // { 'Access-Control-Allow-Origin': …, Vary: 'Origin', … }
 * ```
 */

export const NOSNIFF = { name: 'X-Content-Type-Options', value: 'nosniff' } as const;
export const NO_STORE = { name: 'Cache-Control', value: 'no-store' } as const;

/** Response headers a browser script may read: ids, pagination, rate limits. */
const EXPOSED = 'X-Request-Id, X-Next-Cursor, Link, Retry-After, X-RateLimit-Remaining';
/** Request headers a client of the API sends beyond the CORS-safelisted ones. */
const REQUEST_HEADERS = 'Authorization, Content-Type, Idempotency-Key, Last-Event-ID, X-Request-Id';
const METHODS = 'GET, POST, PATCH, DELETE';
/** Browsers cap this anyway (Chromium at 2 h); 10 min keeps a changed allow-list from lingering. */
const PREFLIGHT_MAX_AGE_S = 600;

export interface CorsPolicy {
  readonly enabled: boolean;
  /** Headers for an answer to a request from `origin`: empty when CORS is off. */
  headersFor(origin: string | undefined): Record<string, string>;
  /** The answer to a preflight (`OPTIONS` with `Access-Control-Request-Method`), or null if not one we grant. */
  preflight(origin: string | undefined, requestMethod: string | undefined): Record<string, string> | null;
}

/** `https://app.example.com/` → `https://app.example.com`; anything that is not an origin throws. */
function normalizeOrigin(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TypeError(`CORS origin "${raw}" is not a URL such as https://app.example.com`);
  }
  const bare = raw.replace(/\/$/, '').toLowerCase();
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin.toLowerCase() !== bare)
    throw new TypeError(
      `CORS origin "${raw}" must be scheme://host[:port] only, such as https://app.example.com`,
    );
  return url.origin;
}

export function corsPolicy(origins: readonly string[] | undefined): CorsPolicy {
  const allowed = new Set((origins ?? []).map(normalizeOrigin));
  const enabled = allowed.size > 0;
  const vary = { Vary: 'Origin' };
  return {
    enabled,
    headersFor(origin) {
      if (!enabled) return {};
      if (origin === undefined || !allowed.has(origin)) return vary;
      return { ...vary, 'Access-Control-Allow-Origin': origin, 'Access-Control-Expose-Headers': EXPOSED };
    },
    preflight(origin, requestMethod) {
      if (!enabled || origin === undefined || requestMethod === undefined || !allowed.has(origin))
        return null;
      return {
        ...vary,
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Methods': METHODS,
        'Access-Control-Allow-Headers': REQUEST_HEADERS,
        'Access-Control-Max-Age': String(PREFLIGHT_MAX_AGE_S),
      };
    },
  };
}
