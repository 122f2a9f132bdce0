/**
 * What the webhook outbox trigger (`jobs_webhook_outbox`, migration 009) costs a job's terminal
 * status change when its workspace has no webhook: one bulk UPDATE of N running jobs to completed,
 * with the trigger and without it, alternating, medians printed. Another workspace holds a webhook,
 * so the guard's index probe has a table to look in. Not part of `npm run bench`:
 *
 * ```sh
 * npx tsx bench/webhook-trigger.ts sqlite
 * LONGRUN_TEST_PG=postgres://postgres@127.0.0.1:5432/test npx tsx bench/webhook-trigger.ts postgres
 * ```
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { createPostgresStore } from '../src/store/postgres/index.ts';
import { createSqliteStore } from '../src/store/sqlite/index.ts';
import type { Store } from '../src/store/types.ts';
import { dropSchema, newSchemaName, PG_URL, withAdmin } from '../test/store-postgres-helpers.ts';

const N = 20_000;
const ROUNDS = 7;
const FINISH = `UPDATE jobs SET status = 'completed', completed_at = 1, updated_at = 1, lease_token = NULL
  WHERE status = 'running'`;
const running = (from: string) =>
  `INSERT INTO jobs (id, workspace_id, type, category, name, status, input, max_attempts, run_at, created_at,
     updated_at, lease_token) SELECT 'j' || g, 'ws1', 't', 'seo', 'n', 'running', '{}', 1, 0, 0, 0, 'tok' ${from}`;

async function otherWorkspaceWebhook(store: Store): Promise<void> {
  await store.webhookCreate({
    id: 'w',
    workspaceId: 'other',
    url: 'https://hooks.example.com/',
    events: ['job.completed'],
    types: null,
    categories: null,
    secret: 'whsec_AA==',
  });
  await store.close();
}

/** One timed UPDATE per (round, with/without); the first round warms up and is not counted. */
async function measure(run: (trigger: boolean) => Promise<number>): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = { with: [], without: [] };
  for (let i = 0; i <= ROUNDS; i++)
    for (const trigger of [false, true]) {
      const ms = await run(trigger);
      if (i > 0) out[trigger ? 'with' : 'without']!.push((ms / N) * 1000);
    }
  return out;
}

const kind = process.argv[2] ?? 'sqlite';
let results: Record<string, number[]>;
if (kind === 'postgres') {
  const schema = newSchemaName();
  await otherWorkspaceWebhook(await createPostgresStore({ connectionString: PG_URL, schema }));
  try {
    results = await withAdmin(
      (c) =>
        measure(async (trigger) => {
          await c.query('TRUNCATE jobs');
          await c.query(running(`FROM generate_series(1, ${N}) g`));
          await c.query(`ALTER TABLE jobs ${trigger ? 'ENABLE' : 'DISABLE'} TRIGGER jobs_webhook_outbox`);
          const t = performance.now();
          await c.query(FINISH);
          return performance.now() - t;
        }),
      schema,
    );
  } finally {
    await dropSchema(schema);
  }
} else {
  const dir = mkdtempSync(join(tmpdir(), 'longrun-bench-'));
  const path = join(dir, 'bench.db');
  await otherWorkspaceWebhook(await createSqliteStore({ path }));
  const db = new Database(path);
  const trigger = db
    .prepare("SELECT sql FROM sqlite_master WHERE name = 'jobs_webhook_outbox'")
    .pluck()
    .get() as string;
  const series = `WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < ${N})`;
  results = await measure(async (on) => {
    db.exec('DELETE FROM jobs');
    db.exec(`${series} ${running('FROM s')}`);
    db.exec('DROP TRIGGER IF EXISTS jobs_webhook_outbox');
    if (on) db.exec(trigger);
    const t = performance.now();
    db.exec(FINISH);
    return performance.now() - t;
  });
  db.close();
  rmSync(dir, { recursive: true, force: true });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
for (const [label, xs] of Object.entries(results))
  console.log(
    `${kind} ${label.padEnd(7)} trigger: median ${median(xs).toFixed(1)} µs/job (${xs.map((x) => x.toFixed(1)).join(' ')})`,
  );
