/**
 * One worker process of the PostgreSQL benchmark: `node --import tsx bench/pg-worker-proc.ts
 * <longrun|lrsync|lrsqlite|lrstatements|graphile|pgboss|bullmq> <schema> <report 0|1>`. It connects, says `ready` over IPC, starts
 * processing on `go` (so the parent's clock does not include Node start-up or connecting), and
 * stops cleanly on `stop`. With report=1 every handler start is sent to the parent (latency runs).
 */

import { bullmqAdapter } from './peers/bullmq.ts';
import { graphileAdapter } from './peers/graphile.ts';
import { pgbossAdapter } from './peers/pgboss.ts';
import { statementsAdapter } from './pg-ceiling.ts';
import type { Adapter, RunningWorker } from './pg-common.ts';
import { longrunAdapter, longrunSqliteAdapter, longrunSyncAdapter } from './pg-longrun.ts';

const adapters: Record<string, Adapter> = {
  longrun: longrunAdapter,
  lrsync: longrunSyncAdapter,
  lrsqlite: longrunSqliteAdapter,
  bullmq: bullmqAdapter,
  graphile: graphileAdapter,
  pgboss: pgbossAdapter(),
  lrstatements: statementsAdapter,
};

const [system = '', schema = '', report = '0'] = process.argv.slice(2);
const adapter = adapters[system];
if (!adapter || !schema || !process.send) {
  console.error(
    'usage (as a child with IPC): pg-worker-proc.ts <longrun|lrsync|lrsqlite|lrstatements|graphile|pgboss|bullmq> <schema> <0|1>',
  );
  process.exit(2);
}
const send = (m: Record<string, unknown>) => process.send?.(m);

// The jobs this process's handlers ran, sent to the parent at most every 20 ms while it changes:
// the drain's progress check, the same for every system (pg-common.ts waitCompleted).
let ran = 0;
let sent = 0;
setInterval(() => {
  if (ran === sent) return;
  sent = ran;
  send({ type: 'ran', n: sent });
}, 20).unref();
const prepared = await adapter.prepareWorker(schema, {
  onStart: report === '1' ? (t) => send({ type: 'start', t }) : undefined,
  onRan: (n) => {
    ran += n;
  },
});
let worker: RunningWorker | null = null;
process.on('message', (raw) => {
  const m = raw as { type?: string };
  if (m.type === 'go' && !worker) {
    void prepared.go().then((w) => {
      worker = w;
      send({ type: 'going' });
    });
  } else if (m.type === 'stop') {
    void (async () => {
      await worker?.stop();
      process.exit(0);
    })();
  }
});
// The parent going away (Ctrl-C, crash) must not leave workers polling the server.
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
