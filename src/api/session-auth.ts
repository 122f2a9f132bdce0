/**
 * Dashboard sessions: a browser exchanges an API key once for an HttpOnly cookie, so the page never
 * holds the key. The session carries the key's workspace and scope, expires after 12 hours without
 * a request, dies with its key, and is revoked server-side on sign-out. The Bearer API is unchanged;
 * a request with an `Authorization` header never looks at the cookie.
 *
 * Writes authenticated by the cookie must come from the page's own origin. SameSite=Strict already
 * keeps the cookie off cross-site requests, but not off same-site ones (a sibling subdomain, or an
 * older browser that ignores SameSite), so the request must also say where it came from:
 * `Sec-Fetch-Site: same-origin`, or an `Origin` whose host is the request's `Host`. A write that
 * says neither is refused: browsers send one of them on every fetch POST.
 */
import type { Context } from 'hono';
import { LongrunError } from '../core/errors.ts';
import { SESSION_IDLE_MS } from '../core/session.ts';
import { type AuthInfo, hashKey, presentedKeyHash, unauthorized } from './auth.ts';
import type { GuardedAttempt } from './auth-guard.ts';
import type { StreamCredential } from './stream-registry.ts';
import type { ApiDeps, ApiEnv } from './types.ts';

export const SESSION_COOKIE = 'longrun_session';
export { SESSION_IDLE_MS } from '../core/session.ts';

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** The session token of the request's cookie, or null; a malformed value counts as none. */
export function cookieToken(c: Context<ApiEnv>): string | null {
  const header = c.req.header('cookie');
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) {
      const value = part.slice(eq + 1).trim();
      return TOKEN.test(value) ? value : null;
    }
  }
  return null;
}

export function hasSessionCookie(c: Context<ApiEnv>): boolean {
  return (c.req.header('cookie') ?? '').includes(`${SESSION_COOKIE}=`);
}

/**
 * What authenticated this (already authorized) request, as route.ts `authorize` chose it: the
 * Bearer key, or else the session cookie. Event streams keep it to check it again while they run.
 */
export function requestCredential(c: Context<ApiEnv>): StreamCredential {
  const header = c.req.header('authorization');
  if (header === undefined && hasSessionCookie(c)) {
    const token = cookieToken(c);
    if (token !== null) return { kind: 'session', hash: hashKey(token) };
  }
  const hash = presentedKeyHash(header);
  if (hash === null) throw unauthorized();
  return { kind: 'key', hash };
}

export function sessionCookie(c: Context<ApiEnv>, value: string, maxAge?: number): string {
  const https = c.req.url.startsWith('https:') || c.req.header('x-forwarded-proto') === 'https';
  return [
    `${SESSION_COOKIE}=${value}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    ...(https ? ['Secure'] : []),
    ...(maxAge === undefined ? [] : [`Max-Age=${maxAge}`]),
  ].join('; ');
}

/** Throws `csrf_rejected` unless the request says it comes from this origin (see the module doc). */
export function assertSameOrigin(c: Context<ApiEnv>): void {
  const site = c.req.header('sec-fetch-site');
  const origin = c.req.header('origin');
  let sameOrigin = site === 'same-origin';
  if (!sameOrigin && site === undefined && origin) {
    try {
      sameOrigin = new URL(origin).host === c.req.header('host');
    } catch {
      sameOrigin = false;
    }
  }
  if (!sameOrigin)
    throw new LongrunError(
      'csrf_rejected',
      'a cookie-authenticated write must come from the dashboard’s origin',
      {
        details: [{ path: 'Origin', message: `got ${origin ?? 'none'}; Sec-Fetch-Site: ${site ?? 'none'}` }],
      },
    );
}

/**
 * The session behind the request's cookie, as the key it stands for; the one 401 otherwise. Like a
 * key, a cookie the cache cannot vouch for is an attempt the guard counts before the store is asked.
 */
export async function authenticateSession(
  c: Context<ApiEnv>,
  deps: ApiDeps,
  attempt: GuardedAttempt,
): Promise<AuthInfo> {
  const token = cookieToken(c);
  const hash = token === null ? null : hashKey(token);
  const now = deps.sessionCache.now();
  const cached = hash === null ? undefined : deps.sessionCache.get(hash, now);
  if (cached) return cached;
  attempt.guard.admit(attempt.address, attempt.setHeader);
  if (hash === null || attempt.guard.isKnownUnknown(hash)) throw unauthorized();
  const session = await deps.longrun.credentials.findSession(hash, SESSION_IDLE_MS);
  if (!session) {
    attempt.guard.rememberUnknown(hash);
    throw unauthorized();
  }
  attempt.guard.succeeded(attempt.address);
  const auth: AuthInfo = {
    keyId: session.keyId,
    keyName: session.keyName,
    workspaceId: session.workspaceId,
    scope: session.scope,
  };
  deps.sessionCache.set(hash, auth, now);
  // Idle time is counted in minutes: one small write a minute per session and process.
  if (deps.sessionCache.shouldTouch(session.id, now))
    deps.longrun.credentials.touchSession(session.id).catch(() => {});
  return auth;
}
