/**
 * Webhook delivery end to end on both stores: jobs run by a real worker pool end, the dispatcher
 * POSTs to a local receiver (node:http on 127.0.0.1, allowed by `allowPrivate`), and the test checks
 * each request's signature with the `standardwebhooks` reference library and with its own HMAC.
 * Retries, giving up, rotation, the SSRF guard at creation and at delivery time.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { z } from 'zod';
import { isLongrunError } from '../src/core/errors.ts';
import { NonRetryableError } from '../src/engine/context.ts';
import { defineJob } from '../src/engine/define.ts';
import { createLongrun, type Longrun } from '../src/engine/longrun.ts';
import type { WebhookOptions } from '../src/engine/webhook-dispatcher.ts';
import type { Store } from '../src/store/types.ts';
import { waitFor } from './helpers.ts';
import { type Received, Receiver, STORE_KINDS, type WebhookStoreKit } from './webhooks-helpers.ts';

const okJob = defineJob({
  type: 'hook.ok',
  category: 'ai',
  input: z.object({ n: z.number() }),
  async run(ctx, input) {
    ctx.log.info('working');
    return { doubled: input.n * 2 };
  },
});
const badJob = defineJob({
  type: 'hook.bad',
  category: 'sync',
  input: z.object({}),
  async run() {
    throw new NonRetryableError('broken on purpose');
  },
});

const FAST: WebhookOptions = { allowPrivate: true, retryBaseMs: 30, pollMs: 20, timeoutMs: 5_000 };

function engine(store: Store, webhooks: WebhookOptions = FAST): Longrun {
  return createLongrun({ store, jobs: [okJob, badJob], webhooks });
}

function startWorkers(l: Longrun): void {
  l.start({ concurrency: 4, pollIntervalMs: 20, flushIntervalMs: 20 });
}

function headersOf(r: Received): Record<string, string> {
  return {
    'webhook-id': String(r.headers['webhook-id']),
    'webhook-timestamp': String(r.headers['webhook-timestamp']),
    'webhook-signature': String(r.headers['webhook-signature']),
  };
}

/** The signature computed here from the spec, not by the code under test. */
function expectedSignature(secret: string, r: Received): string {
  const h = headersOf(r);
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const mac = createHmac('sha256', key)
    .update(`${h['webhook-id']}.${h['webhook-timestamp']}.${r.body}`)
    .digest('base64');
  return `v1,${mac}`;
}

function verifies(secret: string, r: Received): boolean {
  try {
    new Webhook(secret).verify(r.body, headersOf(r));
    return true;
  } catch {
    return false;
  }
}

describe('webhook URLs refused at creation (SSRF guard, private addresses not allowed)', () => {
  let kit: WebhookStoreKit;
  let longrun: Longrun;
  before(async () => {
    kit = await STORE_KINDS[0]!.open();
    longrun = engine(kit.store, {});
  });
  after(() => kit.cleanup());

  for (const url of [
    'http://127.0.0.1/hook',
    'http://127.1.2.3:8080/',
    'http://10.0.0.5/',
    'http://172.16.3.4/',
    'http://192.168.1.1/',
    'http://100.64.0.1/',
    'http://169.254.169.254/latest/meta-data/',
    'http://0.0.0.0:3000/',
    'http://[::1]/',
    'http://[fe80::1]/',
    'http://[fd00:ec2::254]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:a9fe:a9fe]/',
    'http://localhost:3000/',
    'http://2130706433/',
  ]) {
    it(`refuses ${url}`, async () => {
      await assert.rejects(longrun.webhooks.create({ url, events: ['job.completed'] }), (err) =>
        isLongrunError(err, 'url_not_allowed'),
      );
    });
  }

  it('refuses schemes other than http and https, and accepts a public address', async () => {
    for (const url of ['ftp://203.0.113.9/', 'file:///etc/passwd', 'gopher://203.0.113.9/'])
      await assert.rejects(longrun.webhooks.create({ url, events: ['job.failed'] }), (err) =>
        isLongrunError(err, 'invalid_input'),
      );
    const ok = await longrun.webhooks.create({ url: 'https://203.0.113.9/hook', events: ['job.failed'] });
    assert.equal(ok.url, 'https://203.0.113.9/hook');
    assert.match(ok.secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
  });
});

for (const { kind, skip, open } of STORE_KINDS) {
  describe(`webhook delivery on ${kind}`, { skip }, () => {
    let kit: WebhookStoreKit;
    let receiver: Receiver;
    let longrun: Longrun;
    before(async () => {
      kit = await open();
    });
    after(() => kit.cleanup());

    const setUp = async (opts: WebhookOptions = FAST) => {
      receiver = await new Receiver().start();
      longrun = engine(kit.store, opts);
    };
    const tearDown = async () => {
      await longrun.stop({ graceMs: 0 });
      await receiver.close();
      for (const w of await longrun.webhooks.list()) await longrun.webhooks.delete(w.id);
    };

    it('POSTs a signed job.completed that the Standard Webhooks library and an independent HMAC both verify', async () => {
      await setUp();
      try {
        const hook = await longrun.webhooks.create({ url: receiver.url, events: ['job.completed'] });
        const { job } = await longrun.enqueue('hook.ok', { n: 21 });
        startWorkers(longrun);
        const [r] = await waitFor('the delivery', () =>
          receiver.requests.length > 0 ? receiver.requests : null,
        );
        assert.ok(r);
        assert.ok(verifies(hook.secret, r), 'standardwebhooks verifies it');
        assert.equal(r.headers['webhook-signature'], expectedSignature(hook.secret, r));
        assert.equal(r.headers['webhook-id'], `msg_${job.id}_job.completed`);
        assert.equal(r.headers['content-type'], 'application/json');
        assert.ok(Math.abs(Number(r.headers['webhook-timestamp']) - Date.now() / 1000) < 60);
        const body = JSON.parse(r.body);
        assert.equal(body.type, 'job.completed');
        assert.match(body.timestamp, /^\d{4}-\d\d-\d\dT/);
        assert.equal(body.data.id, job.id);
        assert.equal(body.data.status, 'completed');
        assert.deepEqual(body.data.result, { doubled: 42 });
        assert.deepEqual(body.data.input, { n: 21 });
        assert.equal(body.data.logs, undefined, 'no logs in the payload');
        assert.equal(body.data.type, 'hook.ok');
        const page = await waitFor('the log to say delivered', async () => {
          const p = await longrun.webhooks.deliveries(hook.id);
          return p.deliveries[0]?.status === 'delivered' ? p : null;
        });
        assert.deepEqual(
          page.deliveries.map((d) => [
            d.jobId,
            d.event,
            d.status,
            d.attempts,
            d.lastStatusCode,
            d.nextAttemptAt,
          ]),
          [[job.id, 'job.completed', 'delivered', 1, 200, null]],
        );
      } finally {
        await tearDown();
      }
    });

    it('retries after the receiver answers 500 twice, then succeeds: attempts = 3, the same id and body each time', async () => {
      await setUp();
      try {
        receiver.answers = [500, 500];
        const hook = await longrun.webhooks.create({ url: receiver.url, events: ['job.failed'] });
        await longrun.enqueue('hook.ok', { n: 1 }); // completed: not an event this webhook takes
        const { job } = await longrun.enqueue('hook.bad', {});
        startWorkers(longrun);
        const d = await waitFor('three attempts and success', async () => {
          const [first] = (await longrun.webhooks.deliveries(hook.id)).deliveries;
          return first?.status === 'delivered' ? first : null;
        });
        assert.deepEqual(
          [d.jobId, d.event, d.attempts, d.lastStatusCode, d.lastError],
          [job.id, 'job.failed', 3, 200, null],
        );
        assert.equal(receiver.requests.length, 3);
        // Backoff: 30 ms then 60 ms (±20 %) after the failed attempt was recorded (less 4 ms of rounding).
        const [a, b, c] = receiver.requests.map((r) => r.at) as [number, number, number];
        assert.ok(b - a >= 20, `second attempt ${b - a} ms after the first`);
        assert.ok(c - b >= 44, `third attempt ${c - b} ms after the second`);
        assert.equal(new Set(receiver.requests.map((r) => r.headers['webhook-id'])).size, 1);
        assert.equal(new Set(receiver.requests.map((r) => r.body)).size, 1, 'retries send the same body');
        for (const r of receiver.requests) assert.ok(verifies(hook.secret, r));
        assert.equal(JSON.parse(receiver.requests[0]!.body).data.error.message, 'broken on purpose');
      } finally {
        await tearDown();
      }
    });

    it('marks a delivery failed once retrying would pass the give-up age', async () => {
      await setUp({ ...FAST, maxAgeMs: 150 });
      try {
        receiver.answers = Array(100).fill(503);
        const hook = await longrun.webhooks.create({ url: receiver.url, events: ['job.completed'] });
        await longrun.enqueue('hook.ok', { n: 2 });
        startWorkers(longrun);
        const d = await waitFor('the delivery to fail', async () => {
          const [first] = (await longrun.webhooks.deliveries(hook.id)).deliveries;
          return first?.status === 'failed' ? first : null;
        });
        assert.equal(d.lastStatusCode, 503);
        assert.equal(d.nextAttemptAt, null);
        assert.ok(d.attempts >= 1 && d.attempts === receiver.requests.length);
      } finally {
        await tearDown();
      }
    });

    it('signs with the old secret too during the grace period of a rotation, and not after one without', async () => {
      await setUp();
      try {
        const hook = await longrun.webhooks.create({
          url: receiver.url,
          events: ['job.completed', 'job.cancelled'],
        });
        const rotated = await longrun.webhooks.rotateSecret(hook.id, { graceMs: 60_000 });
        assert.notEqual(rotated.secret, hook.secret);
        assert.ok(rotated.previousSecretExpiresAt !== null);
        startWorkers(longrun);
        await longrun.enqueue('hook.ok', { n: 3 });
        const [r1] = await waitFor('the first delivery', () =>
          receiver.requests.length >= 1 ? receiver.requests : null,
        );
        assert.equal(String(r1!.headers['webhook-signature']).split(' ').length, 2);
        assert.ok(verifies(rotated.secret, r1!), 'the new secret verifies');
        assert.ok(verifies(hook.secret, r1!), 'the old secret still verifies');

        const again = await longrun.webhooks.rotateSecret(hook.id, { graceMs: 0 });
        assert.equal(again.previousSecretExpiresAt, null);
        await longrun.enqueue('hook.ok', { n: 4 });
        const r2 = await waitFor('the second delivery', () => receiver.requests[1]);
        assert.equal(String(r2.headers['webhook-signature']).split(' ').length, 1);
        assert.ok(verifies(again.secret, r2));
        assert.ok(!verifies(rotated.secret, r2), 'the replaced secret no longer verifies');
      } finally {
        await tearDown();
      }
    });

    it('refuses at delivery time an address that is not allowed (DNS rebinding): nothing reaches the receiver', async () => {
      receiver = await new Receiver().start();
      // Created where private targets were allowed; delivered by a process where they are not.
      const allowing = engine(kit.store, { ...FAST, dispatch: false });
      const url = receiver.url.replace('127.0.0.1', 'localhost');
      const hook = await allowing.webhooks.create({ url, events: ['job.completed'] });
      longrun = engine(kit.store, { ...FAST, allowPrivate: false });
      try {
        await longrun.enqueue('hook.ok', { n: 5 });
        startWorkers(longrun);
        const d = await waitFor('a refused attempt', async () => {
          const [first] = (await longrun.webhooks.deliveries(hook.id)).deliveries;
          return first && first.attempts >= 2 ? first : null;
        });
        assert.equal(d.status, 'pending');
        assert.equal(d.lastStatusCode, null);
        assert.match(d.lastError ?? '', /localhost resolves to (127\.0\.0\.1|::1), a loopback address/);
        assert.equal(receiver.requests.length, 0);
      } finally {
        await tearDown();
      }
    });

    it('two dispatchers on one database send each delivery once', async () => {
      await setUp();
      const peerStore = await kit.openPeer();
      const peer = engine(peerStore);
      try {
        const hook = await longrun.webhooks.create({ url: receiver.url, events: ['job.cancelled'] });
        const ids: string[] = [];
        for (let i = 0; i < 30; i++)
          ids.push((await longrun.enqueue('hook.ok', { n: i }, { runAt: Date.now() + 3_600_000 })).job.id);
        startWorkers(longrun);
        peer.start({ concurrency: 1, pollIntervalMs: 20 });
        await Promise.all(ids.map((id) => longrun.cancel(id)));
        await waitFor('30 deliveries', async () => {
          const p = await longrun.webhooks.deliveries(hook.id, { limit: 100 });
          return p.deliveries.length === 30 && p.deliveries.every((d) => d.status === 'delivered');
        });
        assert.equal(receiver.requests.length, 30);
        assert.deepEqual(new Set(receiver.requests.map((r) => JSON.parse(r.body).data.id)), new Set(ids));
      } finally {
        await peer.stop({ graceMs: 0 });
        await tearDown();
      }
    });
  });
}
