/** Shared by the PostgreSQL test files: where the server is, whether it answers, and throwaway schemas. */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const PG_URL = process.env.LONGRUN_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Undefined when PostgreSQL answers; otherwise why the tests are skipped (also printed). */
export async function pgSkipReason(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3_000 });
  client.on('error', () => {});
  let reason: string | undefined;
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    const why = err instanceof Error ? err.message || String((err as { code?: string }).code) : String(err);
    reason = `PostgreSQL is not reachable at ${PG_URL} (${why}); start it (see .ci/run) or set LONGRUN_TEST_PG`;
  } finally {
    await client.end().catch(() => {});
  }
  // CI sets this: there a missing server is a failure, not a skip.
  if (reason && process.env.LONGRUN_REQUIRE_POSTGRES === '1')
    throw new Error(`LONGRUN_REQUIRE_POSTGRES=1 but ${reason}`);
  // Printed on its own as well: a TAP consumer may summarise skips without their reason.
  if (reason) console.log(`# SKIPPING PostgreSQL store tests: ${reason}`);
  return reason;
}

export function newSchemaName(): string {
  return `lr_${randomBytes(6).toString('hex')}`;
}

export async function withAdmin<T>(fn: (c: pg.Client) => Promise<T>, schema?: string): Promise<T> {
  const client = new pg.Client({
    connectionString: PG_URL,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function dropSchema(schema: string): Promise<void> {
  await withAdmin((c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
}
