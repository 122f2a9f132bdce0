/**
 * The conformance suite on PostgreSQL: each test gets its own schema `lr_<random>`, dropped
 * afterwards. Set LONGRUN_TEST_PG to point elsewhere than 127.0.0.1:5432/test. When nothing answers,
 * the suite is reported as skipped with the reason, never as passed.
 */
import { createPostgresStore } from '../src/store/postgres/index.ts';
import { storeConformance } from './store-conformance.ts';
import { dropSchema, newSchemaName, PG_URL, pgSkipReason } from './store-postgres-helpers.ts';

const skip = await pgSkipReason();

storeConformance(
  'postgres',
  async ({ clock, maxLogsPerJob }) => {
    const schema = newSchemaName();
    const store = await createPostgresStore({
      connectionString: PG_URL,
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
