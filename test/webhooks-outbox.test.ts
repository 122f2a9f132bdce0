/**
 * The webhook outbox on both stores: every path that ends a job writes exactly one delivery per
 * matching webhook, in the transaction that changed the status (a trigger on `jobs`), and nothing
 * for a workspace without a webhook; the filters; the claim and its token; the log's paging.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { fakeClock } from '../src/core/clock.ts';
import type { Store } from '../src/store/types.ts';
import type { WebhookDelivery, WebhookEvent } from '../src/store/webhook-types.ts';
import { claimOne, insert, running, T0 } from './store-conformance-helpers.ts';
import { STORE_KINDS, type WebhookStoreKit } from './webhooks-helpers.ts';

const ALL: WebhookEvent[] = ['job.completed', 'job.failed', 'job.cancelled'];

async function hook(
  store: Store,
  over: {
    workspaceId?: string;
    events?: WebhookEvent[];
    types?: string[] | null;
    categories?: string[] | null;
  } = {},
) {
  return store.webhookCreate({
    id: randomUUID(),
    workspaceId: over.workspaceId ?? 'ws1',
    url: 'https://hooks.example.com/x',
    events: over.events ?? ALL,
    types: over.types ?? null,
    categories: over.categories ?? null,
    secret: 'whsec_dGVzdA==',
  });
}

async function deliveries(store: Store, webhookId: string, workspaceId = 'ws1'): Promise<WebhookDelivery[]> {
  return (await store.webhookDeliveryList({ workspaceId, webhookId, limit: 100 })).deliveries;
}

for (const { kind, skip, open } of STORE_KINDS) {
  describe(`webhook outbox on ${kind}`, { skip }, () => {
    const withKit = async (
      fn: (kit: WebhookStoreKit, clock: ReturnType<typeof fakeClock>) => Promise<void>,
    ) => {
      const clock = fakeClock(T0);
      const kit = await open({ clock });
      try {
        await fn(kit, clock);
      } finally {
        await kit.cleanup();
      }
    };

    it('deliveries stop with the last webhook and start again with a new one, also for another connection', async () => {
      await withKit(async ({ store, openPeer }) => {
        const peer = await openPeer();
        try {
          const complete = async (on: Store, type: string) => {
            const r = await running(on, { type });
            await on.jobFinish({ finishes: [{ lease: r.lease, outcome: 'completed' }] });
            return r.lease.jobId;
          };
          // The peer's statements are prepared before any webhook (and, on SQLite, its trigger) exists.
          await complete(peer, 't.before');
          const first = await hook(store);
          const seen = await complete(peer, 't.seen');
          assert.deepEqual(
            (await deliveries(store, first.id)).map((d) => d.jobId),
            [seen],
          );
          assert.equal(await store.webhookDelete({ workspaceId: 'ws1', id: first.id }), true);
          await complete(peer, 't.unseen');
          const second = await hook(store);
          const again = await complete(peer, 't.again');
          assert.deepEqual(
            (await deliveries(store, second.id)).map((d) => d.jobId),
            [again],
          );
        } finally {
          await peer.close();
        }
      });
    });

    it('every path that ends a job writes exactly one delivery: complete, fail, cancel pending, cancel running, lease expiry', async () => {
      await withKit(async ({ store }, clock) => {
        const w = await hook(store);
        const quiet = await hook(store, { workspaceId: 'ws2' });

        const done = await running(store, { type: 't.done' });
        await store.jobFinish({ finishes: [{ lease: done.lease, outcome: 'completed', result: { ok: 1 } }] });

        const failed = await running(store, { type: 't.fail', maxAttempts: 1 });
        await store.jobFinish({
          finishes: [{ lease: failed.lease, outcome: 'failed', error: { code: 'boom', message: 'x' } }],
        });

        // A failure with attempts left goes back to pending: no delivery, until it finally fails.
        const retried = await running(store, { type: 't.retry', maxAttempts: 2 });
        await store.jobFinish({
          finishes: [
            { lease: retried.lease, outcome: 'failed', error: { code: 'e', message: 'x' }, retryDelayMs: 0 },
          ],
        });
        const again = await claimOne(store, { types: ['t.retry'] });
        await store.jobFinish({
          finishes: [{ lease: again.lease, outcome: 'failed', error: { code: 'e', message: 'y' } }],
        });

        const [pendingId] = await insert(store, { type: 't.pending' });
        await store.jobCancel({ workspaceId: 'ws1', id: pendingId! });
        await store.jobCancel({ workspaceId: 'ws1', id: pendingId! }); // idempotent: no second delivery

        // Running, then cancelled: one delivery at the cancel, none when its worker stops afterwards.
        const run = await running(store, { type: 't.cancel' });
        await store.jobCancel({ workspaceId: 'ws1', id: run.lease.jobId });
        await store.jobFinish({ finishes: [{ lease: run.lease, outcome: 'completed' }] });

        // Lease expiry on the last attempt: the reaper fails it.
        const lost = await running(store, { type: 't.lost', maxAttempts: 1 }, 1_000);
        clock.advance(5_000);
        const reaped = await store.leaseReap({ limit: 10, retryDelayMs: () => 0 });
        assert.deepEqual(
          reaped.map((r) => [r.jobId, r.status]),
          [[lost.lease.jobId, 'failed']],
        );

        const got = await deliveries(store, w.id);
        const byJob = new Map<string, string[]>();
        for (const d of got) byJob.set(d.jobId, [...(byJob.get(d.jobId) ?? []), d.event]);
        assert.deepEqual(Object.fromEntries(byJob), {
          [done.lease.jobId]: ['job.completed'],
          [failed.lease.jobId]: ['job.failed'],
          [retried.lease.jobId]: ['job.failed'],
          [pendingId!]: ['job.cancelled'],
          [run.lease.jobId]: ['job.cancelled'],
          [lost.lease.jobId]: ['job.failed'],
        });
        for (const d of got) {
          assert.equal(d.status, 'pending');
          assert.equal(d.attempts, 0);
          assert.equal(d.workspaceId, 'ws1');
          assert.equal(d.nextAttemptAt, d.createdAt, 'due at once, by the store clock');
        }
        assert.equal(
          (await deliveries(store, quiet.id, 'ws2')).length,
          0,
          "another workspace's webhook hears nothing",
        );
      });
    });

    it('a status change that rolls back leaves no delivery; the one that commits leaves one', async () => {
      await withKit(async (kit) => {
        const { store } = kit;
        const w = await hook(store);
        const c = await running(store, { type: 't.raw' });
        const sql = `UPDATE jobs SET status = 'completed', completed_at = ${T0 + 1}, updated_at = ${T0 + 1},
          lease_token = NULL, lease_expires_at = NULL WHERE id = '${c.lease.jobId}'`;
        await kit.rawTransaction([sql], 'ROLLBACK');
        assert.equal((await deliveries(store, w.id)).length, 0);
        await kit.rawTransaction([sql], 'COMMIT');
        const got = await deliveries(store, w.id);
        assert.deepEqual(
          got.map((d) => [d.jobId, d.event, d.createdAt]),
          [[c.lease.jobId, 'job.completed', T0 + 1]],
        );
      });
    });

    it('writes nothing for a workspace without a webhook, and only what each filter matches', async () => {
      await withKit(async ({ store }) => {
        const failedOnly = await hook(store, { events: ['job.failed'] });
        const typeA = await hook(store, { types: ['t.a'] });
        const sync = await hook(store, { categories: ['sync'] });
        const elsewhere = await running(store, { type: 't.a', workspaceId: 'nohooks' });
        await store.jobFinish({ finishes: [{ lease: elsewhere.lease, outcome: 'completed' }] });

        const a = await running(store, { type: 't.a', category: 'seo' });
        await store.jobFinish({ finishes: [{ lease: a.lease, outcome: 'completed' }] });
        const b = await running(store, { type: 't.b', category: 'sync', maxAttempts: 1 });
        await store.jobFinish({
          finishes: [{ lease: b.lease, outcome: 'failed', error: { code: 'e', message: 'x' } }],
        });
        const [cId] = await insert(store, { type: 't.a', category: 'sync' });
        await store.jobCancel({ workspaceId: 'ws1', id: cId! });

        const ids = async (id: string) =>
          (await deliveries(store, id)).map((d) => `${d.jobId}:${d.event}`).sort();
        assert.deepEqual(await ids(failedOnly.id), [`${b.lease.jobId}:job.failed`]);
        assert.deepEqual(
          await ids(typeA.id),
          [`${a.lease.jobId}:job.completed`, `${cId}:job.cancelled`].sort(),
        );
        assert.deepEqual(await ids(sync.id), [`${b.lease.jobId}:job.failed`, `${cId}:job.cancelled`].sort());
      });
    });

    it('claims a due delivery once, fences the result by its token, and pages the log newest first', async () => {
      await withKit(async (kit, clock) => {
        const { store } = kit;
        const w = await hook(store);
        const peer = await kit.openPeer();
        for (let i = 0; i < 5; i++) {
          const [id] = await insert(store, { type: 't.page' });
          await store.jobCancel({ workspaceId: 'ws1', id: id! });
        }
        const [mine, theirs] = await Promise.all([
          store.webhookDeliveryClaim({ limit: 3, leaseMs: 60_000, token: 'a' }),
          peer.webhookDeliveryClaim({ limit: 3, leaseMs: 60_000, token: 'b' }),
        ]);
        const claimedIds = [...mine, ...theirs].map((c) => c.delivery.id);
        assert.equal(claimedIds.length, 5, 'two claimers share the five, none twice');
        assert.equal(new Set(claimedIds).size, 5);
        const first = mine[0] ?? theirs[0]!;
        assert.equal(first.webhook.id, w.id);
        assert.equal(first.webhook.secret, 'whsec_dGVzdA==');
        assert.equal(first.delivery.attempts, 1);
        assert.equal(first.claimedAt, T0);
        assert.equal(
          (await store.webhookDeliveryClaim({ limit: 10, leaseMs: 60_000, token: 'c' })).length,
          0,
        );

        // A stale token changes nothing; the right one records.
        await store.webhookDeliveryRecord({
          results: [
            { id: first.delivery.id, token: 'stale', outcome: 'delivered', statusCode: 200, error: null },
          ],
        });
        const token = mine.includes(first) ? 'a' : 'b';
        await store.webhookDeliveryRecord({
          results: [
            {
              id: first.delivery.id,
              token,
              outcome: 'retry',
              statusCode: 500,
              error: 'HTTP 500',
              retryDelayMs: 2_000,
              payload: '{"x":1}',
            },
          ],
        });
        let log = await deliveries(store, w.id);
        const d = log.find((x) => x.id === first.delivery.id)!;
        assert.deepEqual(
          [d.status, d.attempts, d.lastStatusCode, d.lastError, d.nextAttemptAt],
          ['pending', 1, 500, 'HTTP 500', T0 + 2_000],
        );
        clock.advance(2_000);
        const [again] = await store.webhookDeliveryClaim({ limit: 10, leaseMs: 60_000, token: 'd' });
        assert.equal(again?.delivery.id, first.delivery.id);
        assert.equal(again?.payload, '{"x":1}', 'the first body is kept for every retry');
        assert.equal(again?.delivery.attempts, 2);
        await store.webhookDeliveryRecord({
          results: [
            {
              id: first.delivery.id,
              token: 'd',
              outcome: 'delivered',
              statusCode: 204,
              error: null,
              payload: '{"x":2}',
            },
          ],
        });
        log = await deliveries(store, w.id);
        const done = log.find((x) => x.id === first.delivery.id)!;
        assert.deepEqual(
          [done.status, done.attempts, done.lastStatusCode, done.nextAttemptAt, done.deliveredAt],
          ['delivered', 2, 204, null, T0 + 2_000],
        );

        const p1 = await store.webhookDeliveryList({ workspaceId: 'ws1', webhookId: w.id, limit: 2 });
        const p2 = await store.webhookDeliveryList({
          workspaceId: 'ws1',
          webhookId: w.id,
          limit: 2,
          before: p1.next!,
        });
        const p3 = await store.webhookDeliveryList({
          workspaceId: 'ws1',
          webhookId: w.id,
          limit: 2,
          before: p2.next!,
        });
        const paged = [...p1.deliveries, ...p2.deliveries, ...p3.deliveries].map((x) => x.id);
        assert.deepEqual(
          paged,
          [...paged].sort((x, y) => y - x),
          'newest first',
        );
        assert.equal(paged.length, 5);
        assert.equal(p3.next, null);
        assert.equal(
          (await store.webhookDeliveryList({ workspaceId: 'ws2', webhookId: w.id, limit: 10 })).deliveries
            .length,
          0,
        );
      });
    });

    it('deletes a webhook with its deliveries; rotation keeps the old secret for the grace period only', async () => {
      await withKit(async ({ store }, clock) => {
        const w = await hook(store);
        const [id] = await insert(store, { type: 't.del' });
        await store.jobCancel({ workspaceId: 'ws1', id: id! });
        assert.equal(await store.webhookDelete({ workspaceId: 'ws2', id: w.id }), false);
        // Retention takes a job's deliveries with it.
        clock.advance(10);
        const [kept] = await insert(store, { type: 't.keep' });
        await store.jobCancel({ workspaceId: 'ws1', id: kept! });
        assert.equal((await deliveries(store, w.id)).length, 2);
        assert.equal(await store.jobPurge({ before: T0 + 5, limit: 10 }), 1);
        assert.deepEqual(
          (await deliveries(store, w.id)).map((d) => d.jobId),
          [kept],
        );
        const rotated = await store.webhookSecretRotate({
          workspaceId: 'ws1',
          id: w.id,
          secret: 'whsec_bmV3',
          graceMs: 60_000,
        });
        assert.equal(rotated?.secret, 'whsec_bmV3');
        assert.equal(rotated?.previousSecret, 'whsec_dGVzdA==');
        assert.equal(rotated?.previousSecretExpiresAt, T0 + 10 + 60_000);
        const now = await store.webhookSecretRotate({
          workspaceId: 'ws1',
          id: w.id,
          secret: 'whsec_bmV3ZXI=',
          graceMs: 0,
        });
        assert.equal(now?.previousSecret, null);
        assert.equal(now?.previousSecretExpiresAt, null);
        assert.equal(
          await store.webhookSecretRotate({ workspaceId: 'ws2', id: w.id, secret: 'x', graceMs: 0 }),
          null,
        );
        assert.deepEqual(
          (await store.webhookList({ workspaceId: 'ws1' })).map((x) => x.id),
          [w.id],
        );
        assert.equal(await store.webhookDelete({ workspaceId: 'ws1', id: w.id }), true);
        assert.equal(await store.webhookGet({ workspaceId: 'ws1', id: w.id }), null);
        assert.equal((await store.webhookDeliveryClaim({ limit: 10, leaseMs: 1, token: 't' })).length, 0);
      });
    });
  });
}
