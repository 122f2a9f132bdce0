/**
 * The OpenAPI document (generated from the route table, covering every registered route), job
 * types, stats, health, readiness, Prometheus metrics, and docs/api.md covering every route and
 * every error code.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { toOpenApiPath } from '../src/api/openapi.ts';
import { StatsSchema } from '../src/api/schemas.ts';
import { ERROR_REGISTRY } from '../src/core/errors.ts';
import { type ApiFixture, apiFixture, gate, SEED_FIELDS } from './api-helpers.ts';
import { waitFor } from './helpers.ts';

type OpenApi = {
  openapi: string;
  paths: Record<
    string,
    Record<
      string,
      {
        parameters: { name: string; in: string }[];
        responses: Record<string, unknown>;
        requestBody?: unknown;
      }
    >
  >;
  components: { schemas: Record<string, unknown> };
};

describe('meta endpoints', () => {
  let f: ApiFixture;
  before(async () => {
    f = await apiFixture();
  });
  after(() => f.close());

  it('documents every route Hono serves in /api/v1/openapi.json', async () => {
    const res = await f.req('/api/v1/openapi.json', { key: f.keys.read });
    assert.equal(res.status, 200);
    const doc = (await res.json()) as OpenApi;
    assert.equal(doc.openapi, '3.1.0');
    // What Hono actually routes, not what the table claims: a route added beside the table fails here.
    const served = f.app.routes
      .filter((r) => r.method !== 'ALL')
      .map((r) => `${r.method.toLowerCase()} ${toOpenApiPath(r.path)}`);
    assert.ok(served.length >= 17);
    for (const route of served) {
      const [method, path] = route.split(' ') as [string, string];
      assert.ok(doc.paths[path]?.[method], `${route} is in the OpenAPI document`);
    }
    const list = doc.paths['/api/v1/jobs']!.get!;
    assert.deepEqual(list.parameters.map((p) => p.name).sort(), [
      'category',
      'cursor',
      'limit',
      'q',
      'status',
      'type',
    ]);
    assert.ok(
      list.responses['200'] && list.responses['400'] && list.responses['401'] && list.responses['429'],
    );
    assert.ok(doc.paths['/api/v1/jobs']!.post!.requestBody, 'create documents its body');
    assert.ok(doc.paths['/api/v1/jobs/{id}/cancel']!.post!.responses['409']);
    for (const name of ['Job', 'JobDetail', 'Progress', 'LogEntry', 'Error', 'CancelResult']) {
      assert.ok(doc.components.schemas[name], `component ${name}`);
    }
    const job = doc.components.schemas.Job as { required: string[] };
    for (const field of SEED_FIELDS) {
      assert.ok(job.required.includes(field), `Job.${field} is required in the schema`);
    }
    assert.ok(!JSON.stringify(doc).includes('#/$defs/'), 'all references resolve to components');
  });

  it('lists job types with the JSON Schema of their input', async () => {
    const types = (await (await f.req('/api/v1/job-types', { key: f.keys.read })).json()) as {
      type: string;
      category: string;
      inputSchema: { properties: Record<string, unknown> };
    }[];
    const stepped = types.find((t) => t.type === 'test.stepped');
    assert.equal(stepped?.category, 'seo');
    assert.deepEqual(Object.keys(stepped!.inputSchema.properties).sort(), ['fail', 'gate', 'items']);
  });

  it('counts jobs per status and category from the maintained counters', async () => {
    await f.longrun.enqueueMany([
      { type: 'test.idle', input: {} },
      { type: 'test.idle', input: {} },
      { type: 'test.quick', input: {} },
    ]);
    const { job } = await f.longrun.enqueue('test.idle', {});
    await f.longrun.cancel(job.id);
    const stats = StatsSchema.parse(await (await f.req('/api/v1/stats', { key: f.keys.read })).json());
    assert.equal(stats.total, 4);
    assert.deepEqual(stats.byStatus, { pending: 3, running: 0, completed: 0, failed: 0, cancelled: 1 });
    assert.deepEqual(stats.byCategory.export, {
      pending: 2,
      running: 0,
      completed: 0,
      failed: 0,
      cancelled: 1,
    });
    assert.equal(stats.byCategory.ai?.pending, 1);
    assert.deepEqual(Object.keys(stats.byCategory).sort(), ['ai', 'export', 'seo', 'sync']);
  });

  it('answers /healthz and /readyz without a key', async () => {
    assert.deepEqual(await (await f.req('/healthz', { key: null })).json(), { status: 'ok' });
    assert.deepEqual(await (await f.req('/readyz', { key: null })).json(), {
      status: 'ready',
      store: f.store.kind,
    });
  });

  it('exposes Prometheus metrics: jobs by status and category, HTTP latency, throughput, durations, queue lag', async () => {
    const m = await apiFixture({ workers: true });
    try {
      const scrape = async () => (await m.req('/metrics', { key: m.keys.admin })).text();
      await scrape(); // the first scrape sets the event cursor: "since start" begins here
      const { job } = await m.longrun.enqueue('test.stepped', { gate: 'metrics', items: 2 });
      gate('metrics').allow(2);
      await waitFor(
        'done',
        async () => (await m.longrun.getJob(job.id, { logLimit: 0 })).completedAt !== null,
      );
      await m.req('/api/v1/jobs', { key: m.keys.read });
      const text = await scrape();
      assert.match(text, /longrun_jobs\{workspace="default",status="completed",category="seo"\} 1/);
      assert.match(
        text,
        /longrun_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/jobs",status="200"\} 1/,
      );
      assert.match(text, /longrun_jobs_finished_total\{status="completed",category="seo"\} 1/);
      assert.match(text, /longrun_job_duration_seconds_count\{status="completed",category="seo"\} 1/);
      assert.match(text, /longrun_job_queue_lag_seconds_count\{category="seo"\} 1/);
      assert.match(text, /longrun_worker_jobs_processed_total 1/);
      assert.match(text, /nodejs_eventloop_lag_seconds/);
    } finally {
      await m.close();
    }
  });
});

describe('docs/api.md', () => {
  const doc = readFileSync(join(import.meta.dirname, '..', 'docs', 'api.md'), 'utf8');

  it('has a section with a curl example for every endpoint', async () => {
    const f = await apiFixture();
    try {
      for (const r of f.app.routeTable) {
        const heading = `### ${r.method.toUpperCase()} ${r.path}`;
        const at = doc.indexOf(heading);
        assert.ok(at >= 0, `docs/api.md has "${heading}"`);
        const next = doc.indexOf('\n### ', at + 1);
        const section = doc.slice(at, next < 0 ? undefined : next);
        assert.match(section, /curl /, `${heading} has a curl example`);
      }
    } finally {
      await f.close();
    }
  });

  it('lists every error code with its status', () => {
    for (const [code, { status }] of Object.entries(ERROR_REGISTRY)) {
      assert.match(
        doc,
        new RegExp(`\\|\\s*\`${code}\`\\s*\\|\\s*${status}\\s*\\|`),
        `error ${code} (${status}) documented`,
      );
    }
  });
});
