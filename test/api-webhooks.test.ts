/**
 * `/api/v1/webhooks…` over HTTP (also on PostgreSQL, through api-on-postgres): admin scope,
 * workspace isolation, the secret shown only by create and rotate-secret, the SSRF guard's refusals
 * (the fixture's server does not allow private targets), validation, and the delivery log's paging.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { z } from 'zod';
import { WebhookDeliverySchema, WebhookSchema, WebhookWithSecretSchema } from '../src/api/webhooks.ts';
import { type ApiFixture, apiFixture } from './api-helpers.ts';

const PUBLIC_URL = 'https://203.0.113.9/hooks/longrun';

describe('webhooks API', () => {
  let f: ApiFixture;
  before(async () => {
    f = await apiFixture();
  });
  after(() => f.close());

  const create = (body: unknown, key?: string) => f.req('/api/v1/webhooks', { method: 'POST', body, key });

  it('creates a webhook with its secret once; list and get never show it', async () => {
    const res = await create({
      url: PUBLIC_URL,
      events: ['job.completed', 'job.failed'],
      types: ['test.quick'],
    });
    assert.equal(res.status, 201);
    const hook = WebhookWithSecretSchema.parse(await res.json());
    assert.equal(res.headers.get('location'), `/api/v1/webhooks/${hook.id}`);
    assert.match(hook.secret, /^whsec_/);
    assert.deepEqual(
      [hook.url, hook.events, hook.types, hook.categories],
      [PUBLIC_URL, ['job.completed', 'job.failed'], ['test.quick'], null],
    );

    const got = await (await f.req(`/api/v1/webhooks/${hook.id}`)).json();
    assert.equal(WebhookSchema.strict().safeParse(got).success, true, JSON.stringify(got));
    assert.equal((got as Record<string, unknown>).secret, undefined);
    const list = z.array(WebhookSchema.strict()).parse(await (await f.req('/api/v1/webhooks')).json());
    assert.ok(list.some((w) => w.id === hook.id));
    assert.ok(!JSON.stringify(list).includes(hook.secret));
  });

  it('needs an admin key, and another workspace sees none of it', async () => {
    const res = await create({ url: PUBLIC_URL, events: ['job.failed'] });
    const hook = WebhookWithSecretSchema.parse(await res.json());
    for (const key of [f.keys.read, f.keys.write]) {
      assert.equal((await f.req('/api/v1/webhooks', { key })).status, 403);
      assert.equal((await create({ url: PUBLIC_URL, events: ['job.failed'] }, key)).status, 403);
    }
    const other = { key: f.keys.other };
    assert.equal((await f.req(`/api/v1/webhooks/${hook.id}`, other)).status, 404);
    assert.equal((await f.req(`/api/v1/webhooks/${hook.id}/deliveries`, other)).status, 404);
    assert.equal(
      (await f.req(`/api/v1/webhooks/${hook.id}/rotate-secret`, { ...other, method: 'POST' })).status,
      404,
    );
    assert.equal((await f.req(`/api/v1/webhooks/${hook.id}`, { ...other, method: 'DELETE' })).status, 404);
    const theirs = await (await f.req('/api/v1/webhooks', other)).json();
    assert.ok(!JSON.stringify(theirs).includes(hook.id));
  });

  it('refuses loopback, private, link-local, metadata and names that resolve to them: 400 url_not_allowed', async () => {
    for (const url of [
      'http://127.0.0.1:8080/hook',
      'http://10.1.2.3/',
      'http://192.168.0.10/',
      'http://100.100.100.200/',
      'http://169.254.169.254/latest/meta-data/',
      'http://[::1]/',
      'http://[fd12::1]/',
      'http://localhost:3000/',
    ]) {
      const res = await create({ url, events: ['job.completed'] });
      assert.equal(res.status, 400, url);
      const body = (await res.json()) as { error: { code: string; details: { path: string }[] } };
      assert.equal(body.error.code, 'url_not_allowed', url);
      assert.equal(body.error.details[0]?.path, 'url');
    }
  });

  it('answers 400 invalid_input for bad bodies, never a 500', async () => {
    for (const body of [
      {},
      { url: PUBLIC_URL },
      { url: PUBLIC_URL, events: [] },
      { url: PUBLIC_URL, events: ['job.started'] },
      { url: PUBLIC_URL, events: ['job.failed'], categories: ['nope'] },
      { url: PUBLIC_URL, events: ['job.failed'], types: ['bad type!'] },
      { url: PUBLIC_URL, events: ['job.failed'], extra: 1 },
      { url: PUBLIC_URL, events: ['job.failed'], types: [] },
      { url: PUBLIC_URL, events: ['job.failed'], categories: [] },
      { url: 'ftp://203.0.113.9/', events: ['job.failed'] },
      { url: 'not a url', events: ['job.failed'] },
      { url: 'http://a\u0000b/', events: ['job.failed'] },
    ]) {
      const res = await create(body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'invalid_input');
    }
    const hook = WebhookWithSecretSchema.parse(
      await (await create({ url: PUBLIC_URL, events: ['job.failed'] })).json(),
    );
    for (const body of [{ graceMs: -1 }, { graceMs: 'x' }, { graceMs: 8 * 86_400_000 }, { other: 1 }]) {
      const res = await f.req(`/api/v1/webhooks/${hook.id}/rotate-secret`, { method: 'POST', body });
      assert.equal(res.status, 400, JSON.stringify(body));
    }
    for (const q of ['limit=0', 'limit=101', 'cursor=forged', 'other=1'])
      assert.equal((await f.req(`/api/v1/webhooks/${hook.id}/deliveries?${q}`)).status, 400, q);
  });

  it('rotates the secret: a new one, shown once; the old one signs for the grace period', async () => {
    const hook = WebhookWithSecretSchema.parse(
      await (await create({ url: PUBLIC_URL, events: ['job.failed'] })).json(),
    );
    const res = await f.req(`/api/v1/webhooks/${hook.id}/rotate-secret`, { method: 'POST' });
    assert.equal(res.status, 200);
    const rotated = WebhookWithSecretSchema.parse(await res.json());
    assert.notEqual(rotated.secret, hook.secret);
    assert.ok(
      rotated.previousSecretExpiresAt !== null &&
        rotated.previousSecretExpiresAt > rotated.updatedAt + 86_000_000,
    );
    const now = WebhookWithSecretSchema.parse(
      await (
        await f.req(`/api/v1/webhooks/${hook.id}/rotate-secret`, { method: 'POST', body: { graceMs: 0 } })
      ).json(),
    );
    assert.equal(now.previousSecretExpiresAt, null);
  });

  it('pages the delivery log newest first with Link and X-Next-Cursor; DELETE removes webhook and log', async () => {
    const hook = WebhookWithSecretSchema.parse(
      await (await create({ url: PUBLIC_URL, events: ['job.cancelled'] })).json(),
    );
    const ids: string[] = [];
    for (let i = 0; i < 23; i++) {
      const res = await f.req('/api/v1/jobs', {
        method: 'POST',
        body: { type: 'test.idle', input: { n: i }, runAt: Date.now() + 3_600_000 },
      });
      const { id } = (await res.json()) as { id: string };
      ids.push(id);
      assert.equal((await f.req(`/api/v1/jobs/${id}/cancel`, { method: 'POST' })).status, 200);
    }
    const first = await f.req(`/api/v1/webhooks/${hook.id}/deliveries`);
    assert.equal(first.status, 200);
    const page1 = z.array(WebhookDeliverySchema.strict()).parse(await first.json());
    assert.equal(page1.length, 20);
    const link = first.headers.get('link');
    assert.match(link ?? '', /^<\/api\/v1\/webhooks\/[^>]+\/deliveries\?cursor=[^>]+>; rel="next"$/);
    const next = await f.req(link!.slice(1, link!.indexOf('>')));
    const page2 = z.array(WebhookDeliverySchema).parse(await next.json());
    assert.equal(page2.length, 3);
    assert.equal(next.headers.get('x-next-cursor'), null);
    const all = [...page1, ...page2];
    assert.deepEqual(
      all.map((d) => d.jobId),
      [...ids].reverse(),
    );
    for (const d of all) {
      assert.deepEqual(
        [d.event, d.status, d.attempts, d.webhookId],
        ['job.cancelled', 'pending', 0, hook.id],
      );
      assert.ok(d.nextAttemptAt !== null);
    }
    assert.equal((await f.req(`/api/v1/webhooks/${hook.id}`, { method: 'DELETE' })).status, 204);
    assert.equal((await f.req(`/api/v1/webhooks/${hook.id}`)).status, 404);
    assert.equal((await f.req(`/api/v1/webhooks/${hook.id}/deliveries`)).status, 404);
    assert.equal((await f.req(`/api/v1/webhooks/${hook.id}`, { method: 'DELETE' })).status, 404);
  });
});
