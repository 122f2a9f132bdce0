/**
 * `claimCommit` on PostgreSQL: by default a claim's transaction sets `synchronous_commit = off` for
 * itself alone; `'sync'` leaves the server's setting, and every other write keeps it either way.
 * A trigger in the test's schema records the setting each transaction that changes a job's status
 * ran under, so the test reads what the server saw, not what the code meant to send.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../src/cli/config.ts';
import { parseDbUrl } from '../src/cli/store.ts';
import { createPostgresStore } from '../src/store/postgres/index.ts';
import type { Store } from '../src/store/types.ts';
import { claim, finish, insert } from './store-conformance-helpers.ts';
import { dropSchema, newSchemaName, PG_URL, pgSkipReason, withAdmin } from './store-postgres-helpers.ts';

const skip = await pgSkipReason();
const schemas: string[] = [];
const stores: Store[] = [];

after(async () => {
  for (const s of stores) await s.close();
  for (const s of schemas) await dropSchema(s);
});

/** A store whose schema records `synchronous_commit` for every status change, as `from→to`. */
async function probed(claimCommit?: 'async' | 'sync'): Promise<{ store: Store; seen(): Promise<string[]> }> {
  const schema = newSchemaName();
  schemas.push(schema);
  const store = await createPostgresStore({
    connectionString: PG_URL,
    schema,
    poolSize: 2,
    ...(claimCommit ? { claimCommit } : {}),
  });
  stores.push(store);
  await withAdmin(async (c) => {
    await c.query(`CREATE TABLE commit_probe (seq serial, change text, sync text);
      CREATE FUNCTION commit_probe() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        INSERT INTO commit_probe (change, sync)
        VALUES (coalesce(OLD.status, '') || '→' || NEW.status, current_setting('synchronous_commit'));
        RETURN NEW; END $$;
      CREATE TRIGGER commit_probe AFTER INSERT OR UPDATE OF status ON jobs
        FOR EACH ROW EXECUTE FUNCTION commit_probe();`);
  }, schema);
  const seen = () =>
    withAdmin(async (c) => {
      const { rows } = await c.query('SELECT change, sync FROM commit_probe ORDER BY seq');
      return rows.map((r: { change: string; sync: string }) => `${r.change} ${r.sync}`);
    }, schema);
  return { store, seen };
}

/** Insert, a plain claim, a concurrency-limited claim, and finishes: each path that writes. */
async function everyPath(store: Store): Promise<void> {
  await insert(store, { type: 't.a' }, { type: 't.b' });
  const [plain] = await claim(store, { types: ['t.a'], limit: 1 });
  const [limited] = await store.jobClaim({
    workerId: 'w1',
    limit: 1,
    types: ['t.b'],
    leaseMs: 30_000,
    limits: [{ type: 't.b', limit: 1, perKey: false }],
  });
  assert.ok(plain && limited, 'both claims found their job');
  await finish(store, plain.lease);
  await finish(store, limited.lease);
}

describe('postgres claim commit', skip ? { skip } : {}, () => {
  it('commits claims asynchronously by default, and inserts and finishes durably', async () => {
    const { store, seen } = await probed();
    await everyPath(store);
    assert.deepEqual(await seen(), [
      '→pending on',
      '→pending on',
      'pending→running off',
      'pending→running off',
      'running→completed on',
      'running→completed on',
    ]);
  });

  it("commits claims as the server is configured with claimCommit: 'sync'", async () => {
    const { store, seen } = await probed('sync');
    await everyPath(store);
    assert.deepEqual(await seen(), [
      '→pending on',
      '→pending on',
      'pending→running on',
      'pending→running on',
      'running→completed on',
      'running→completed on',
    ]);
  });

  it('takes claim_commit from the database URL and refuses other values', () => {
    assert.deepEqual(parseDbUrl('postgres://u@h/db?schema=s1&claim_commit=sync'), {
      connectionString: 'postgres://u@h/db',
      schema: 's1',
      claimCommit: 'sync',
    });
    assert.throws(() => parseDbUrl('postgres://u@h/db?claim_commit=later'), /must be sync or async/);
    // `longrun serve|worker --db …` refuses it as a setting (exit code 2), before opening anything.
    assert.throws(
      () => loadConfig({ db: 'postgres://u@h/db?claim_commit=later' }, { env: {} }),
      (err) => err instanceof ConfigError && /claim_commit .* must be sync or async/.test(err.message),
    );
  });
});
