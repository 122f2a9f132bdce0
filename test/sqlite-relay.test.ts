/**
 * Two SQLite stores on one file, their notifications joined by a relay (as the processes of
 * `longrun serve --http-processes` join theirs over IPC): what one commits reaches the other's
 * listeners, and nothing delivered from outside is published again.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { z } from 'zod';
import { defineJob } from '../src/engine/define.ts';
import { createLongrun } from '../src/engine/longrun.ts';
import { createSqliteStore } from '../src/store/sqlite/index.ts';
import type { NotificationRelay, StoreSignal } from '../src/store/types.ts';
import { tempDir } from './helpers.ts';

/** A relay pair: what one side publishes is delivered to the other's subscribers. */
function relayPair(): [
  NotificationRelay & { published: StoreSignal[] },
  NotificationRelay & { published: StoreSignal[] },
] {
  const make = () => {
    const subscribers = new Set<(s: StoreSignal) => void>();
    return {
      published: [] as StoreSignal[],
      peer: null as null | { deliver(s: StoreSignal): void },
      deliver(s: StoreSignal) {
        for (const d of subscribers) d(s);
      },
      publish(s: StoreSignal) {
        this.published.push(s);
        this.peer?.deliver(s);
      },
      subscribe(d: (s: StoreSignal) => void) {
        subscribers.add(d);
        return () => subscribers.delete(d);
      },
    };
  };
  const a = make();
  const b = make();
  a.peer = b;
  b.peer = a;
  return [a, b];
}

const job = defineJob({ type: 'relay.test', category: 'sync', input: z.object({}), run: async () => null });

describe('SQLite notification relay', () => {
  const tmp = tempDir();
  after(() => tmp.cleanup());

  it("delivers one store's commits to the other's listeners, once, without echo", async () => {
    const path = join(tmp.dir, 'relay.db');
    const [relayA, relayB] = relayPair();
    const a = await createSqliteStore({ path, relay: relayA });
    const b = await createSqliteStore({ path, relay: relayB });
    try {
      const heard: string[] = [];
      b.notifications?.jobsAvailable(() => heard.push('jobsAvailable'));
      b.notifications?.eventsAdded(() => heard.push('eventsAdded'));
      b.notifications?.jobCancelled((id) => heard.push(`jobCancelled ${id}`));

      const longrunA = createLongrun({ store: a, jobs: [job] });
      const { id } = (await longrunA.enqueue('relay.test', {})).job;
      assert.ok(heard.includes('jobsAvailable'), 'an enqueue in A wakes workers on B');
      assert.ok(heard.includes('eventsAdded'), "and B's event streams");

      heard.length = 0;
      const [claimed] = await a.jobClaim({ workerId: 'w', limit: 1, types: ['relay.test'], leaseMs: 30_000 });
      assert.equal(claimed?.job.id, id);
      await a.jobCancel({ workspaceId: 'default', id });
      assert.ok(heard.includes(`jobCancelled ${id}`), 'a cancel in A reaches the worker running it on B');

      assert.equal(relayB.published.length, 0, 'B published nothing: what it was told stays local');
      heard.length = 0;
      await createLongrun({ store: b, jobs: [job] }).enqueue('relay.test', {});
      assert.ok(
        relayB.published.some((s) => s.name === 'jobsAvailable'),
        "B's own commit is published",
      );
    } finally {
      await a.close();
      await b.close();
    }
  });
});
