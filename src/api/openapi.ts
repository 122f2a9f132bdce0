/**
 * The OpenAPI 3.1 document, generated from the route table: the same zod objects the routes
 * validate with become the parameters, bodies and responses here (`z.toJSONSchema`, request side
 * in `io: 'input'` mode so documented query parameters are the strings a client sends). Shared
 * schemas carry a zod `meta({ id })` and are hoisted into `components.schemas`.
 */
import { z } from 'zod';
import { ERROR_REGISTRY } from '../core/errors.ts';
import type { AnyRoute } from './route.ts';

type Json = Record<string, unknown>;

const ERROR_STATUSES: Record<number, string> = {
  400: 'invalid input (details name each field)',
  401: 'missing, malformed, unknown or revoked API key',
  403: 'the key scope is too low',
  404: 'no such resource in this workspace',
  413: 'request body over the size limit (`maxBodyBytes`, 1 MiB by default)',
  415: 'request body is not JSON',
  429: 'rate limited; see Retry-After',
  503: 'store unavailable or shutting down',
};

export function toOpenApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

class SchemaCollector {
  readonly components: Record<string, Json> = {};

  convert(schema: z.ZodType, io: 'input' | 'output'): Json {
    const json = z.toJSONSchema(schema, { io, unrepresentable: 'any', reused: 'inline' }) as Json;
    const defs = (json.$defs ?? {}) as Record<string, Json>;
    delete json.$defs;
    delete json.$schema;
    for (const [id, def] of Object.entries(defs)) this.components[id] ??= this.rewrite(def);
    return this.rewrite(json);
  }

  private rewrite(json: Json): Json {
    return JSON.parse(JSON.stringify(json).replaceAll('"#/$defs/', '"#/components/schemas/')) as Json;
  }
}

function parameters(route: AnyRoute, schemas: SchemaCollector): Json[] {
  const out: Json[] = [];
  const add = (where: 'path' | 'query', schema: z.ZodType | undefined) => {
    if (!schema) return;
    const json = schemas.convert(schema, 'input');
    const props = (json.properties ?? {}) as Record<string, Json>;
    const required = new Set((json.required ?? []) as string[]);
    for (const [name, s] of Object.entries(props)) {
      const { description, ...rest } = s;
      out.push({
        name,
        in: where,
        required: where === 'path' || required.has(name),
        ...(description ? { description } : {}),
        schema: rest,
      });
    }
  };
  add('path', route.params);
  add('query', route.query);
  for (const [name, description] of Object.entries(route.headers ?? {})) {
    out.push({ name, in: 'header', required: false, description, schema: { type: 'string' } });
  }
  return out;
}

function responses(route: AnyRoute, schemas: SchemaCollector): Json {
  const out: Json = {};
  for (const [status, r] of Object.entries(route.responses)) {
    const type = r.contentType ?? 'application/json';
    out[status] = {
      description: r.description,
      ...(r.headers
        ? {
            headers: Object.fromEntries(
              Object.entries(r.headers).map(([h, d]) => [h, { description: d, schema: { type: 'string' } }]),
            ),
          }
        : {}),
      ...(r.schema || (type !== 'application/json' && type !== 'none')
        ? { content: { [type]: r.schema ? { schema: schemas.convert(r.schema, 'output') } : {} } }
        : {}),
    };
  }
  const errorCodes = [
    400,
    503,
    ...(route.scope === 'public' ? [] : [401, 403, 429]),
    ...(route.params ? [404] : []),
    ...(route.body ? [413, 415] : []),
  ];
  for (const s of errorCodes) {
    if (out[s]) continue;
    out[s] = {
      description: ERROR_STATUSES[s] ?? 'error',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  return out;
}

export function buildOpenApi(routes: AnyRoute[], info: { version: string; basePath?: string }): Json {
  const schemas = new SchemaCollector();
  const paths: Record<string, Json> = {};
  for (const route of routes) {
    const op: Json = {
      operationId: `${route.method}${toOpenApiPath(route.path).replace(/[^A-Za-z0-9]+(.)?/g, (_, ch: string | undefined) => (ch ?? '').toUpperCase())}`,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: [route.tag],
      security: route.scope === 'public' ? [] : [{ bearer: [] }],
      'x-scope': route.scope,
      parameters: parameters(route, schemas),
      responses: responses(route, schemas),
    };
    if (route.body) {
      op.requestBody = {
        required: true,
        content: { 'application/json': { schema: schemas.convert(route.body, 'input') } },
      };
    }
    const path = toOpenApiPath(route.path);
    paths[path] = { ...(paths[path] ?? {}), [route.method]: op };
  }
  schemas.components.Error ??= schemas.convert(
    z.object({ error: z.object({ code: z.enum(Object.keys(ERROR_REGISTRY) as [string, ...string[]]) }) }),
    'output',
  );
  return {
    openapi: '3.1.0',
    info: {
      title: 'Longrun Jobs API',
      version: info.version,
      description:
        'Background jobs you can watch and stop. Errors are `{ "error": { "code", "message", "details"? } }`.',
    },
    servers: [{ url: info.basePath || '/' }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'lr_<prefix>_<secret>' } },
      schemas: schemas.components,
    },
    paths,
  };
}
