/** `/api/v1/keys`: admin keys manage the keys of their own workspace. */
import { z } from 'zod';
import { LongrunError } from '../core/errors.ts';
import { issueApiKey, toApiKey } from './auth.ts';
import { type AnyRoute, route } from './route.ts';
import { ApiKeySchema, CreatedApiKeySchema, clientText, IdParams, SCOPES } from './schemas.ts';
import type { ApiDeps } from './types.ts';

export function keyRoutes(deps: ApiDeps): AnyRoute[] {
  const { credentials } = deps.longrun;
  return [
    route({
      method: 'get',
      path: '/api/v1/keys',
      tag: 'keys',
      scope: 'admin',
      summary: "The workspace's API keys (never their secrets)",
      responses: { 200: { description: 'keys, oldest first', schema: z.array(ApiKeySchema) } },
      async handler(c, { auth }) {
        const keys = await credentials.listKeys(auth.workspaceId);
        return c.json(keys.map(toApiKey));
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/keys',
      tag: 'keys',
      scope: 'admin',
      summary: 'Create a key in this workspace; the secret is in this response only',
      body: z.strictObject({
        scope: z.enum(SCOPES),
        name: clientText(100).optional(),
      }),
      responses: { 201: { description: 'the new key, with its secret', schema: CreatedApiKeySchema } },
      async handler(c, { body, auth }) {
        const { key, record } = await issueApiKey(credentials, {
          workspace: auth.workspaceId,
          scope: body.scope,
          name: body.name,
        });
        return c.json({ ...toApiKey(record), key }, 201);
      },
    }),
    route({
      method: 'delete',
      path: '/api/v1/keys/:id',
      tag: 'keys',
      scope: 'admin',
      summary: 'Revoke a key; requests with it get 401 from now on',
      params: IdParams,
      responses: { 204: { description: 'revoked', contentType: 'none' } },
      async handler(c, { params, auth }) {
        const revoked = await credentials.revokeKey({ id: params.id, workspaceId: auth.workspaceId });
        if (!revoked) throw new LongrunError('not_found', `key ${params.id} not found or already revoked`);
        deps.keyCache.forgetKey(params.id);
        deps.sessionCache.forgetKey(params.id);
        deps.streams.endKey(params.id);
        return c.body(null, 204);
      },
    }),
  ];
}
