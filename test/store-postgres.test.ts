/**
 * The conformance suite on PostgreSQL: each test gets its own schema `lr_<random>`, dropped
 * afterwards. Set LONGRUN_TEST_PG to point elsewhere than 127.0.0.1:5432/test. When nothing answers,
 * the suite is reported as skipped with the reason, never as passed.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createPostgresStore } from '../src/store/postgres/index.ts';
import { storeConformance } from './store-conformance.ts';

const url = process.env.LONGRUN_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

async function probe(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (err) {
    return `PostgreSQL is not reachable at ${url} (${err instanceof Error ? err.message || String((err as { code?: string }).code) : String(err)}); start it (see .ci/run) or set LONGRUN_TEST_PG`;
  } finally {
    await client.end().catch(() => {});
  }
}

const skip = await probe();
if (skip) {
  // Printed on its own as well: a TAP consumer may summarise skips without their reason.
  console.log(`# SKIPPING PostgreSQL store tests: ${skip}`);
}

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

storeConformance(
  'postgres',
  async ({ clock, maxLogsPerJob }) => {
    const schema = `lr_${randomBytes(6).toString('hex')}`;
    const store = await createPostgresStore({
      connectionString: url,
      schema,
      poolSize: 4,
      ...(clock ? { clock } : {}),
      ...(maxLogsPerJob !== undefined ? { maxLogsPerJob } : {}),
    });
    return {
      store,
      cleanup: async () => {
        await store.close();
        await dropSchema(schema);
      },
    };
  },
  skip ? { skip } : {},
);
