/**
 * PostgreSQL's search table (job_search, migration 004) beyond the shared conformance suite: a
 * store of release 003 migrates with its jobs searchable, an input jsonb cannot hold still inserts
 * and simply matches less, and a purge removes what it indexed.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createPostgresStore } from '../src/store/postgres/index.ts';
import type { JobListParams, Store } from '../src/store/types.ts';
import { finish, insert, running } from './store-conformance-helpers.ts';
import { dropSchema, newSchemaName, PG_URL, pgSkipReason, withAdmin } from './store-postgres-helpers.ts';

const skip = await pgSkipReason();
const schemas: string[] = [];
const stores: Store[] = [];
const MIGRATIONS = join(import.meta.dirname, '..', 'src', 'store', 'postgres', 'migrations');

async function open(schema: string): Promise<Store> {
  if (!schemas.includes(schema)) schemas.push(schema);
  const store = await createPostgresStore({ connectionString: PG_URL, schema, poolSize: 2 });
  stores.push(store);
  return store;
}

after(async () => {
  for (const s of stores) await s.close();
  for (const s of schemas) await dropSchema(s);
});

const ids = async (store: Store, p: Omit<JobListParams, 'workspaceId' | 'limit'>) =>
  (await store.jobList({ workspaceId: 'ws1', limit: 10, ...p })).jobs.map((j) => j.id);

describe('postgres search table', skip ? { skip } : {}, () => {
  it('migrates a 003 store so that the jobs it holds are found by name and by input', async () => {
    const schema = newSchemaName();
    schemas.push(schema);
    await withAdmin(async (c) => {
      await c.query(`CREATE SCHEMA "${schema}"`);
      await c.query(`SET search_path = "${schema}"`);
      await c.query(
        'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
      );
      for (const name of ['001_init.sql', '002_event_ids_never_reused.sql', '003_settings.sql']) {
        await c.query(readFileSync(join(MIGRATIONS, name), 'utf8'));
        await c.query('INSERT INTO schema_migrations VALUES ($1, $2, 0)', [Number(name.slice(0, 3)), name]);
      }
      const job = `INSERT INTO jobs (id, workspace_id, type, category, name, status, input, max_attempts, run_at,
        created_at, updated_at) VALUES ($1, 'ws1', 't', 'seo', $2, 'pending', $3, 1, 0, 0, 0)`;
      await c.query(job, [
        'old1',
        'Publish 50%_off',
        JSON.stringify({ bucket: { id: 'b1' }, n: 5, ids: ['x'] }),
      ]);
      await c.query(job, ['old2', 'Publish other', JSON.stringify({ bucket: { id: 'a\u0000b' }, n: 5 })]);
    });
    const store = await open(schema);
    assert.deepEqual(await ids(store, { namePrefix: 'Publish 50%' }), ['old1']);
    assert.deepEqual(await ids(store, { input: [{ path: ['bucket', 'id'], value: 'b1' }] }), ['old1']);
    assert.deepEqual(await ids(store, { input: [{ path: ['n'], value: '5' }] }), ['old1']);
    assert.deepEqual(await ids(store, { namePrefix: 'Publish' }), ['old2', 'old1']);
    const [fresh] = await insert(store, { name: 'Publish new', input: { bucket: { id: 'b1' } } });
    assert.deepEqual(await ids(store, { input: [{ path: ['bucket', 'id'], value: 'b1' }] }), [fresh, 'old1']);
  });

  it('inserts an input jsonb cannot hold, and searches the fields it can', async () => {
    const store = await open(newSchemaName());
    const [a, b] = await insert(
      store,
      { input: { gate: 'a\u0000b', other: 'x' } },
      { input: { gate: 'x\ud800', other: 'x', nested: { t: new Date(0) } } },
    );
    assert.deepEqual(await ids(store, { input: [{ path: ['gate'], value: 'a\u0000b' }] }), []);
    assert.deepEqual(await ids(store, { input: [{ path: ['gate'], value: 'x\ud800' }] }), []);
    assert.deepEqual(await ids(store, { input: [{ path: ['other'], value: 'x' }] }), [b, a]);
    // Searched as stored: through toJSON, as JSON.stringify writes it.
    assert.deepEqual(
      await ids(store, { input: [{ path: ['nested', 't'], value: '1970-01-01T00:00:00.000Z' }] }),
      [b],
    );
    assert.deepEqual((await store.jobGet({ workspaceId: 'ws1', id: a as string }))?.input, {
      gate: 'a\u0000b',
      other: 'x',
    });
  });

  it('purges a job from the search table with the job', async () => {
    const schema = newSchemaName();
    const store = await open(schema);
    const c = await running(store, { name: 'gone', input: { k: 'v' } });
    await finish(store, c.lease);
    const [kept] = await insert(store, { name: 'kept', input: { k: 'v' } });
    assert.equal(await store.jobPurge({ before: Number.MAX_SAFE_INTEGER, limit: 10 }), 1);
    const rows = await withAdmin((db) => db.query('SELECT job_id FROM job_search'), schema);
    assert.deepEqual(rows.rows, [{ job_id: kept }]);
    assert.deepEqual(await ids(store, { input: [{ path: ['k'], value: 'v' }] }), [kept]);
  });
});
