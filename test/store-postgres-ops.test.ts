/**
 * What only PostgreSQL has to prove, beyond the shared conformance suite: several processes (here,
 * several store instances with their own pools) on one schema, and text it cannot hold. Migrations under an advisory lock,
 * the status trigger against direct SQL, unreachable servers, cancels and notifications across
 * instances, a listener that reconnects, sharded counts under concurrency, and event ids that a
 * tailing reader never skips.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { isLongrunError } from '../src/core/errors.ts';
import { canTransition, JOB_STATUSES, type JobStatus } from '../src/core/status.ts';
import { createPool, isConnectionError } from '../src/store/postgres/db.ts';
import { createPostgresStore, type PostgresStoreOptions } from '../src/store/postgres/index.ts';
import type { Store } from '../src/store/types.ts';
import { eventually, insert, newJob, running } from './store-conformance-helpers.ts';
import { dropSchema, newSchemaName, PG_URL, pgSkipReason, withAdmin } from './store-postgres-helpers.ts';

const skip = await pgSkipReason();
const schemas: string[] = [];
const stores: Store[] = [];

async function open(schema: string, opts: Partial<PostgresStoreOptions> = {}): Promise<Store> {
  if (!schemas.includes(schema)) schemas.push(schema);
  const store = await createPostgresStore({ connectionString: PG_URL, schema, poolSize: 4, ...opts });
  stores.push(store);
  return store;
}

after(async () => {
  for (const s of stores) await s.close();
  for (const s of schemas) await dropSchema(s);
});

describe('postgres store operations', skip ? { skip } : {}, () => {
  it('reports an unreachable server as store_unavailable', async () => {
    const url = 'postgres://postgres@127.0.0.1:1/test';
    await assert.rejects(createPostgresStore({ connectionString: url, schema: newSchemaName() }), (err) =>
      isLongrunError(err, 'store_unavailable'),
    );
    const store = await createPostgresStore({ connectionString: url, migrate: false });
    try {
      await assert.rejects(store.jobList({ workspaceId: 'w', limit: 1 }), (err) =>
        isLongrunError(err, 'store_unavailable'),
      );
      await assert.rejects(
        store.jobFinish({
          finishes: [{ lease: { jobId: 'x', attempt: 1, token: 't' }, outcome: 'completed' }],
        }),
        (err) => isLongrunError(err, 'store_unavailable'),
      );
    } finally {
      await store.close();
    }
  });

  it('migrates once when several stores start together, and dry-runs without changing anything', async () => {
    const fresh = newSchemaName();
    schemas.push(fresh);
    const probe = await open(fresh, { migrate: false });
    assert.deepEqual(await probe.migrate({ dryRun: true }), {
      applied: [],
      pending: [
        '001_init.sql',
        '002_event_ids_never_reused.sql',
        '003_settings.sql',
        '004_dashboard.sql',
        '005_cancelled_by.sql',
        '007_flow_control.sql',
        '008_schedules.sql',
        '009_webhooks.sql',
        '010_retry_of.sql',
      ],
    });
    const exists = await withAdmin((c) => c.query('SELECT to_regnamespace($1) AS ns', [fresh]));
    assert.equal(exists.rows[0]?.ns, null, 'a dry run creates nothing');
    const started = await Promise.all(Array.from({ length: 4 }, () => open(fresh)));
    const rows = await withAdmin((c) => c.query('SELECT version, name FROM schema_migrations'), fresh);
    assert.deepEqual(rows.rows, [
      { version: 1, name: '001_init.sql' },
      { version: 2, name: '002_event_ids_never_reused.sql' },
      { version: 3, name: '003_settings.sql' },
      { version: 4, name: '004_dashboard.sql' },
      { version: 5, name: '005_cancelled_by.sql' },
      { version: 7, name: '007_flow_control.sql' },
      { version: 8, name: '008_schedules.sql' },
      { version: 9, name: '009_webhooks.sql' },
      { version: 10, name: '010_retry_of.sql' },
    ]);
    for (const s of started) assert.deepEqual((await s.migrate({ dryRun: true })).pending, []);
    assert.deepEqual(await probe.migrate(), { applied: [], pending: [] });
  });

  it('refuses a status transition out of a terminal state even through direct SQL', async () => {
    const schema = newSchemaName();
    const store = await open(schema);
    const c = await running(store);
    await store.jobFinish({ finishes: [{ lease: c.lease, outcome: 'completed' }] });
    await withAdmin(async (admin) => {
      await assert.rejects(
        admin.query(`UPDATE jobs SET status = 'pending', completed_at = NULL WHERE id = $1`, [c.lease.jobId]),
        /invalid job status transition completed -> pending/,
      );
      await assert.rejects(
        admin.query(`UPDATE jobs SET status = 'cancelled' WHERE id = $1`, [c.lease.jobId]),
        /invalid job status transition/,
      );
      const [p] = await insert(store, {});
      // The CHECKs hold the lease invariants: running needs a lease token.
      await assert.rejects(
        admin.query(`UPDATE jobs SET status = 'running' WHERE id = $1`, [p]),
        /check constraint/,
      );
    }, schema);
    assert.equal((await store.jobGet({ workspaceId: 'ws1', id: c.lease.jobId }))?.job.status, 'completed');
  });

  it('has a trigger that allows exactly the transitions core/status.ts allows', async () => {
    const schema = newSchemaName();
    await open(schema);
    await withAdmin(async (admin) => {
      // Each state gets the columns its CHECKs demand, so only the trigger can refuse.
      const cols = (s: JobStatus) => [
        s === 'running' || s === 'cancelled' ? 'tok' : null,
        s === 'completed' || s === 'failed' ? 1 : null,
      ];
      for (const from of JOB_STATUSES) {
        for (const to of JOB_STATUSES) {
          if (from === to) continue;
          const id = `${from}-${to}`;
          await admin.query(
            `INSERT INTO jobs (id, workspace_id, type, category, name, status, input, max_attempts, run_at, created_at,
               updated_at, lease_token, completed_at) VALUES ($1, 'w', 't', 'seo', 'n', $2, '{}', 3, 0, 0, 0, $3, $4)`,
            [id, from, ...cols(from)],
          );
          const allowed = await admin
            .query('UPDATE jobs SET status = $2, lease_token = $3, completed_at = $4 WHERE id = $1', [
              id,
              to,
              ...cols(to),
            ])
            .then(
              () => true,
              (err: Error) => {
                assert.match(err.message, /invalid job status transition/);
                return false;
              },
            );
          assert.equal(allowed, canTransition(from, to), `${from} -> ${to}`);
        }
      }
    }, schema);
  });

  it('inserts a batch larger than one statement atomically, idempotency keys included', async () => {
    const store = await open(newSchemaName());
    const jobs = Array.from({ length: 12_000 }, (_, i) => newJob({ name: `j${i}`, type: 't.bulk' }));
    const first = jobs[0];
    const twin = jobs[11_000];
    assert.ok(first && twin);
    first.idempotencyKey = 'k';
    first.requestHash = 'h';
    twin.idempotencyKey = 'k';
    twin.requestHash = 'h';
    const res = await store.jobInsert({ jobs });
    assert.equal(res.filter((r) => r.created).length, 11_999);
    assert.deepEqual(res[11_000], { id: first.id, created: false, sameRequest: true });
    assert.deepEqual(await store.jobCounts({ workspaceId: 'ws1' }), [
      { status: 'pending', category: 'seo', count: 11_999 },
    ]);
    // A failure in the last chunk rolls back the earlier chunks too.
    const more = Array.from({ length: 6_000 }, () => newJob({ type: 't.more' }));
    const dup = more[5_999];
    assert.ok(dup);
    dup.id = first.id;
    await assert.rejects(store.jobInsert({ jobs: more }));
    assert.equal((await store.jobList({ workspaceId: 'ws1', types: ['t.more'], limit: 5 })).jobs.length, 0);
  });

  it('stores a job name holding NUL (which PostgreSQL text cannot) with U+FFFD in its place', async () => {
    const store = await open(newSchemaName());
    const job = newJob({ name: 'a\u0000b' });
    await store.jobInsert({ jobs: [job] });
    assert.equal((await store.jobGet({ workspaceId: 'ws1', id: job.id }))?.job.name, 'a\uFFFDb');
  });

  it('delivers a cancel and new work to another instance', async () => {
    const schema = newSchemaName();
    const api = await open(schema);
    const worker = await open(schema);
    const cancelled: string[] = [];
    let available = 0;
    worker.notifications?.jobCancelled((id) => cancelled.push(id));
    worker.notifications?.jobsAvailable(() => {
      available++;
    });
    await eventually(
      () => available > 1,
      async () => {
        await insert(api, { type: 't.idle' });
      },
      'jobsAvailable from another instance',
    );
    const requested: string[] = [];
    await eventually(
      () => cancelled.length > 0,
      async () => {
        const c = await running(worker, { type: 't.c' });
        requested.push(c.lease.jobId);
        await api.jobCancel({ workspaceId: 'ws1', id: c.lease.jobId });
      },
      'jobCancelled from another instance',
    );
    assert.ok(cancelled.every((id) => requested.includes(id)));
  });

  it('survives losing the connection of a client checked out between two statements', async () => {
    // A checked-out client has no pool listener; between statements its connection's end is an
    // 'error' event, which without a listener of ours would crash the process.
    const pool = createPool(PG_URL, 'public', 1);
    const client = await pool.connect();
    try {
      const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
      const ended = new Promise((r) => client.once('end', r));
      await withAdmin((c) => c.query('SELECT pg_terminate_backend($1)', [pid]));
      await ended;
      const err = await client.query('SELECT 1').then(
        () => null,
        (e: unknown) => e,
      );
      assert.ok(isConnectionError(err), String(err));
    } finally {
      client.release(true);
      await pool.end();
    }
  });

  it('reconnects its listener after the connection is killed', async () => {
    const schema = newSchemaName();
    const producer = await open(schema);
    const consumer = await open(schema);
    let heard = 0;
    consumer.notifications?.jobsAvailable(() => {
      heard++;
    });
    const poke = async () => {
      await insert(producer, { type: 't.poke' });
    };
    await eventually(() => heard > 1, poke, 'first notification');
    const killed = await withAdmin((c) =>
      c.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE $1 AND pid <> pg_backend_pid()`,
        [`%LISTEN "lr_${schema}_jobs"%`],
      ),
    );
    assert.equal(killed.rowCount, 1, 'only the subscribed instance listens');
    heard = 0;
    await eventually(() => heard > 1, poke, 'a notification after the reconnect', 10_000);
  });

  it('keeps sharded counts equal to a GROUP BY under concurrent claims, finishes and cancels', async () => {
    const schema = newSchemaName();
    const a = await open(schema, { poolSize: 6 });
    const b = await open(schema, { poolSize: 6 });
    const cats = ['seo', 'ai', 'sync'];
    await a.jobInsert({
      jobs: Array.from({ length: 1_500 }, (_, i) =>
        newJob({
          workspaceId: i % 2 ? 'ws1' : 'ws2',
          category: cats[i % 3] as string,
          type: 't.cc',
          maxAttempts: 2,
        }),
      ),
    });
    const loop = async (store: Store, n: number) => {
      for (let round = 0; round < 40; round++) {
        const claimed = await store.jobClaim({
          workerId: `w${n}`,
          limit: 15,
          types: ['t.cc'],
          leaseMs: 60_000,
        });
        if (claimed.length === 0) return;
        const [victim] = claimed;
        if (victim && round % 3 === 0)
          await store.jobCancel({ workspaceId: victim.job.workspaceId, id: victim.lease.jobId });
        await store.jobFinish({
          finishes: claimed.map((c, i) => ({
            lease: c.lease,
            outcome: (['completed', 'failed', 'released'] as const)[i % 3] ?? 'completed',
            retryDelayMs: i % 2 ? 0 : null,
            ...(i % 4 === 0 ? { writes: { progress: { total: 1, completed: 1 } } } : {}),
          })),
        });
      }
    };
    await Promise.all([0, 1, 2, 3].map((n) => loop(n % 2 ? a : b, n)));
    const truth = await withAdmin(
      (c) =>
        c.query(
          `SELECT workspace_id, category, status, count(*)::int AS n FROM jobs GROUP BY 1, 2, 3 ORDER BY workspace_id, category COLLATE "C", status COLLATE "C"`,
        ),
      schema,
    );
    for (const ws of ['ws1', 'ws2']) {
      const want = truth.rows
        .filter((r) => r.workspace_id === ws)
        .map((r) => ({ status: r.status, category: r.category, count: r.n }));
      assert.deepEqual(await a.jobCounts({ workspaceId: ws }), want);
      assert.ok(want.length >= 6, 'the workload spread over statuses and categories');
    }
  });

  it('lets a tailing reader see every event despite concurrent writers', async () => {
    const schema = newSchemaName();
    const writers = [await open(schema, { poolSize: 5 }), await open(schema, { poolSize: 5 })];
    const reader = await open(schema);
    await insert(reader, ...Array.from({ length: 60 }, () => ({ type: 't.ev' })));
    let done = false;
    const seen = new Set<number>();
    const tail = (async () => {
      let after = 0;
      for (;;) {
        const finished = done;
        const page = await reader.eventList({ workspaceId: 'ws1', after, limit: 1_000 });
        for (const e of page) seen.add(e.id);
        after = page.at(-1)?.id ?? after;
        if (finished && page.length === 0) return;
      }
    })();
    const work = async (store: Store, n: number) => {
      for (;;) {
        const [c] = await store.jobClaim({ workerId: `w${n}`, limit: 1, types: ['t.ev'], leaseMs: 60_000 });
        if (!c) return;
        for (let k = 0; k < 5; k++) {
          await store.jobWrite({
            writes: [
              {
                lease: c.lease,
                progress: { total: 5, completed: 1 },
                steps: [{ name: `s${k}`, status: 'running' }],
              },
            ],
          });
        }
        await store.jobFinish({ finishes: [{ lease: c.lease, outcome: 'completed' }] });
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, n) => work(writers[n % 2] as Store, n)));
    done = true;
    await tail;
    const all = await withAdmin(
      (c) => c.query(`SELECT id FROM job_events WHERE kind <> 'log' ORDER BY id`),
      schema,
    );
    const missed = all.rows.map((r) => Number(r.id)).filter((id) => !seen.has(id));
    // Per job: running, 5 × (step + progress), completed; plus the batch's one pending event.
    assert.equal(all.rows.length, 60 * 12 + 1);
    assert.deepEqual(missed, [], 'a reader tailing by id skipped events that committed after a higher id');
  });
});
