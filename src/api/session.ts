/**
 * `/api/v1/session`: sign in with an API key (the dashboard gets an HttpOnly cookie), who am I, and
 * sign out. How the cookie authenticates later requests, and the same-origin rule for its writes,
 * are in session-auth.ts.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { SessionRecord } from '../store/types.ts';
import { authenticate, hashKey } from './auth.ts';
import { type AnyRoute, guardedAttempt, route } from './route.ts';
import { SCOPES } from './schemas.ts';
import { assertSameOrigin, cookieToken, SESSION_IDLE_MS, sessionCookie } from './session-auth.ts';
import type { ApiDeps } from './types.ts';

const SessionSchema = z
  .object({
    workspace: z.string(),
    scope: z.enum(SCOPES),
    keyName: z.string().describe('the API key the session was made from'),
    idleTimeoutMs: z.number().int(),
  })
  .meta({ id: 'Session' });

function sessionJson(s: Pick<SessionRecord, 'workspaceId' | 'scope' | 'keyName'>) {
  return { workspace: s.workspaceId, scope: s.scope, keyName: s.keyName, idleTimeoutMs: SESSION_IDLE_MS };
}

export function sessionRoutes(deps: ApiDeps): AnyRoute[] {
  const { credentials } = deps.longrun;
  return [
    route({
      method: 'post',
      path: '/api/v1/session',
      tag: 'session',
      scope: 'public',
      summary: 'Sign in: exchange an API key for a session cookie (the dashboard)',
      body: z.strictObject({ key: z.string().min(1).max(200) }),
      responses: {
        201: { description: 'signed in; `Set-Cookie` carries the session', schema: SessionSchema },
        401: { description: 'unknown or revoked key' },
        403: { description: 'a browser request from another origin' },
      },
      async handler(c, { body }) {
        // Sign-in from another site's page would log the victim into the attacker's workspace.
        if (c.req.header('origin') || c.req.header('sec-fetch-site')) assertSameOrigin(c);
        // No key cache: signing in is rare, and each attempt counts against the address.
        const auth = await authenticate(credentials, `Bearer ${body.key}`, null, guardedAttempt(c, deps));
        const token = randomBytes(32).toString('base64url');
        const session = await credentials.createSession({
          workspaceId: auth.workspaceId,
          keyId: auth.keyId,
          hash: hashKey(token),
        });
        c.header('Set-Cookie', sessionCookie(c, token));
        c.header('Cache-Control', 'no-store');
        return c.json(sessionJson(session), 201);
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/session',
      tag: 'session',
      scope: 'read',
      summary: 'Who this request is signed in as',
      responses: { 200: { description: 'the session (or key) in use', schema: SessionSchema } },
      async handler(c, { auth }) {
        const keys = await credentials.listKeys(auth.workspaceId);
        const keyName = keys.find((k) => k.id === auth.keyId)?.name ?? '';
        return c.json(sessionJson({ workspaceId: auth.workspaceId, scope: auth.scope, keyName }));
      },
    }),
    route({
      method: 'delete',
      path: '/api/v1/session',
      tag: 'session',
      scope: 'public',
      summary: 'Sign out: revoke the session and clear its cookie',
      responses: { 204: { description: 'signed out (also when there was no session)' } },
      async handler(c) {
        const token = cookieToken(c);
        if (token !== null) {
          assertSameOrigin(c);
          const hash = hashKey(token);
          deps.sessionCache.forget(hash);
          deps.streams.endCredential(hash);
          await credentials.revokeSession(hash);
        }
        c.header('Set-Cookie', sessionCookie(c, '', 0));
        return c.body(null, 204);
      },
    }),
  ];
}
