/** Conformance: workspaces, API keys, and the store basics (clock, migrate, ping, stats, notifications). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Job } from '../src/core/job.ts';
import {
  claim,
  claimOne,
  eventually,
  getJob,
  insert,
  running,
  T0,
  type WithStore,
} from './store-conformance-helpers.ts';

export function miscTests(withStore: WithStore): void {
  describe('workspaces and API keys', () => {
    it('workspaceEnsure creates a workspace once', () =>
      withStore(async ({ store }) => {
        assert.deepEqual(await store.workspaceEnsure({ name: 'acme' }), {
          id: 'acme',
          name: 'acme',
          created: true,
        });
        assert.deepEqual(await store.workspaceEnsure({ name: 'acme' }), {
          id: 'acme',
          name: 'acme',
          created: false,
        });
        assert.equal((await store.workspaceEnsure({ name: 'other' })).created, true);
      }));

    it('creates, finds, lists and revokes API keys', () =>
      withStore(async ({ store, clock }) => {
        const k1 = await store.apiKeyCreate({
          workspaceId: 'ws1',
          name: 'ci',
          scope: 'read',
          hash: 'h1',
          prefix: 'lr_ab',
        });
        assert.deepEqual(
          { ...k1, id: 'x' },
          {
            id: 'x',
            workspaceId: 'ws1',
            workspaceName: 'ws1',
            name: 'ci',
            scope: 'read',
            prefix: 'lr_ab',
            createdAt: T0,
            revokedAt: null,
            lastUsedAt: null,
          },
        );
        assert.ok(k1.id.length > 0);
        clock.advance(1);
        const k2 = await store.apiKeyCreate({
          workspaceId: 'ws1',
          name: 'ops',
          scope: 'admin',
          hash: 'h2',
          prefix: 'lr_cd',
        });
        clock.advance(1);
        const k3 = await store.apiKeyCreate({
          workspaceId: 'ws0',
          name: 'x',
          scope: 'write',
          hash: 'h3',
          prefix: 'lr_ef',
        });
        assert.notEqual(k1.id, k2.id);
        await assert.rejects(
          store.apiKeyCreate({ workspaceId: 'ws1', name: 'dup', scope: 'read', hash: 'h1', prefix: 'lr_zz' }),
        );
        // The lookup also returns the stored hash, for auth's constant-time comparison.
        assert.deepEqual(await store.apiKeyFindByHash({ hash: 'h2' }), { ...k2, hash: 'h2' });
        assert.equal(await store.apiKeyFindByHash({ hash: 'nope' }), null);
        assert.deepEqual(await store.apiKeyList({ workspaceId: 'ws1' }), [k1, k2]);
        assert.deepEqual(await store.apiKeyList({}), [k3, k1, k2]);
        clock.advance(1);
        assert.equal(await store.apiKeyRevoke({ id: k1.id, workspaceId: 'ws0' }), false);
        assert.equal(await store.apiKeyRevoke({ id: k1.id, workspaceId: 'ws1' }), true);
        assert.equal(await store.apiKeyRevoke({ id: k1.id, workspaceId: 'ws1' }), false);
        assert.equal(await store.apiKeyFindByHash({ hash: 'h1' }), null);
        assert.equal((await store.apiKeyList({ workspaceId: 'ws1' }))[0]?.revokedAt, T0 + 3);
        assert.equal(await store.apiKeyRevoke({ id: k3.id }), true);
        assert.equal(await store.apiKeyRevoke({ id: 'missing' }), false);
        // lastUsedAt follows the store clock and never moves backwards.
        assert.equal((await store.apiKeyList({ workspaceId: 'ws1' }))[1]?.lastUsedAt, null);
        clock.advance(10);
        await store.apiKeyTouch({ id: k2.id });
        assert.equal((await store.apiKeyList({ workspaceId: 'ws1' }))[1]?.lastUsedAt, T0 + 13);
        clock.advance(-5);
        await store.apiKeyTouch({ id: k2.id });
        assert.equal((await store.apiKeyList({ workspaceId: 'ws1' }))[1]?.lastUsedAt, T0 + 13);
      }));
  });

  describe('store basics', () => {
    it('follows the injected clock, migrates idempotently, pings and counts write transactions', () =>
      withStore(async ({ store, clock }) => {
        assert.equal(await store.clockNow(), T0);
        clock.advance(5);
        assert.equal(await store.clockNow(), T0 + 5);
        await store.ping();
        assert.deepEqual((await store.migrate({ dryRun: true })).pending, []);
        assert.deepEqual(await store.migrate(), { applied: [], pending: [] });
        const before = store.statsRead().writeTransactions;
        await insert(store, {}, {});
        const afterInsert = store.statsRead().writeTransactions;
        assert.ok(afterInsert > before, 'an insert is a write transaction');
        await store.jobList({ workspaceId: 'ws1', limit: 10 });
        await getJob(store, (await store.jobList({ workspaceId: 'ws1', limit: 1 })).jobs[0]?.id as string);
        assert.equal(store.statsRead().writeTransactions, afterInsert, 'reads are not write transactions');
        await claim(store);
        assert.ok(store.statsRead().writeTransactions > afterInsert);
      }));

    it('holds a random cursor_key made by its migrations, its own, the same on every read', async () => {
      const keys: string[] = [];
      for (let i = 0; i < 2; i++) {
        await withStore(async ({ store }) => {
          const key = await store.settingGet({ name: 'cursor_key' });
          assert.match(key ?? '', /^[0-9a-f]{64}$/, '64 hex digits: 244 random bits at least');
          assert.equal(await store.settingGet({ name: 'cursor_key' }), key);
          await store.migrate();
          assert.equal(await store.settingGet({ name: 'cursor_key' }), key, 'migrating again keeps it');
          assert.equal(await store.settingGet({ name: 'no_such_setting' }), null);
          keys.push(key as string);
        });
      }
      assert.notEqual(keys[0], keys[1], 'each database makes its own');
    });

    it('runs on its own clock when none is injected', () =>
      withStore(
        async ({ store }) => {
          const now = await store.clockNow();
          assert.ok(Math.abs(now - Date.now()) < 5_000, `store clock ${now} is far from ${Date.now()}`);
          const [id] = await insert(store, {});
          const job: Job = await getJob(store, id as string);
          assert.ok(Math.abs(job.createdAt - now) < 5_000);
          assert.equal(job.runAt, job.createdAt);
          const c = await claimOne(store, { leaseMs: 60_000 });
          assert.ok(Math.abs(c.leaseExpiresAt - (await store.clockNow()) - 60_000) < 5_000);
          assert.deepEqual(await store.leaseReap({ limit: 10, retryDelayMs: () => 0 }), []);
          const [later] = await insert(store, { runAt: now + 3_600_000 });
          assert.deepEqual(await claim(store), []);
          assert.equal((await getJob(store, later as string)).status, 'pending');
        },
        { ownClock: true },
      ));

    it('announces new work, cancels and events through notifications', () =>
      withStore(async ({ store }) => {
        const n = store.notifications;
        if (!n) return; // a store may offer none; the engine then polls
        let available = 0;
        let events = 0;
        const cancelled: string[] = [];
        const offs = [
          n.jobsAvailable(() => {
            available++;
          }),
          n.eventsAdded(() => {
            events++;
          }),
          n.jobCancelled((id) => {
            cancelled.push(id);
          }),
        ];
        const requested: string[] = [];
        await eventually(
          () => available > 0 && events > 0,
          async () => {
            await insert(store, { type: 't.n' });
          },
          'jobsAvailable and eventsAdded after an insert',
        );
        await eventually(
          () => cancelled.length > 0,
          async () => {
            const c = await running(store, { type: 't.c' });
            requested.push(c.lease.jobId);
            await store.jobCancel({ workspaceId: 'ws1', id: c.lease.jobId });
          },
          'jobCancelled after cancelling a running job',
        );
        assert.ok(cancelled.every((id) => requested.includes(id)));
        for (const off of offs) off();
      }));
  });
}
