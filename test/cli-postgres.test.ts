/**
 * `longrun serve --db postgres://…` against the PostgreSQL store (skipped, with the reason printed,
 * when no server answers): create a job over HTTP, watch it to completion over SSE, cancel another;
 * in one process, and with `--http-processes 2` (each HTTP process with its own pool and LISTEN
 * connection, the jobs run by the primary). Each run uses a throwaway schema (`?schema=`), dropped
 * afterwards.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseDbUrl } from '../src/cli/store.ts';
import { LongrunClient } from '../src/client/index.ts';
import { type Server, startServe } from './cli-helpers.ts';
import { waitFor } from './helpers.ts';
import { dropSchema, newSchemaName, PG_URL, pgSkipReason } from './store-postgres-helpers.ts';

const skip = await pgSkipReason();

/** Over HTTP as a user would: a short job watched to its end over SSE, a long one cancelled. */
async function createWatchCancel(server: Server): Promise<void> {
  assert.ok(server.key);
  const ready = (await (await fetch(`${server.url}/readyz`)).json()) as { store: string };
  assert.equal(ready.store, 'postgres');
  const client = new LongrunClient({ url: server.url, key: server.key });
  const { job } = await client.createJob({ type: 'test.slow', input: { items: 6, itemMs: 20 } });
  const kinds: string[] = [];
  let status = '';
  for await (const e of client.jobEvents(job.id)) {
    kinds.push(e.event);
    if (e.event === 'status') status = String(e.data.status);
  }
  assert.equal(kinds[0], 'snapshot');
  assert.equal(kinds.at(-1), 'end');
  assert.equal(status, 'completed');
  assert.deepEqual((await client.getJob(job.id)).progress, { total: 6, completed: 6, failed: 0 });

  const long = await client.createJob({ type: 'test.slow', input: { items: 10_000, itemMs: 50 } });
  await waitFor('progress', async () => (await client.getJob(long.job.id)).progress.completed > 0);
  assert.deepEqual(await client.cancelJob(long.job.id), { id: long.job.id, status: 'cancelled' });
  const stopped = await waitFor('the worker to stop', async () => {
    const j = await client.getJob(long.job.id);
    return j.completedAt !== null ? j : null;
  });
  assert.equal(stopped.status, 'cancelled');
}

/** `longrun serve` on a throwaway schema for the enclosing suite (dropped after it); call inside `describe`. */
function serveOnFreshSchema(args: string[]): () => Server {
  const schema = newSchemaName();
  let server: Server | undefined;
  before(async () => {
    const url = new URL(PG_URL);
    url.searchParams.set('schema', schema);
    server = await startServe(url.toString(), args);
  });
  after(async () => {
    if (server && server.proc.exitCode === null) server.proc.kill('SIGKILL');
    await dropSchema(schema);
  });
  return () => {
    if (!server) throw new Error('the server has not started');
    return server;
  };
}

describe('longrun serve on PostgreSQL', { skip }, () => {
  const server = serveOnFreshSchema(['--grace-ms', '200']);

  it('takes the schema out of the URL before pg sees it', () => {
    assert.deepEqual(parseDbUrl('postgres://u@h:5432/db?schema=abc&sslmode=disable'), {
      connectionString: 'postgres://u@h:5432/db?sslmode=disable',
      schema: 'abc',
    });
    assert.deepEqual(parseDbUrl('postgres://u@h/db'), { connectionString: 'postgres://u@h/db' });
  });

  it('creates, watches to completion over SSE, and cancels', async () => {
    await createWatchCancel(server());
    server().proc.kill('SIGTERM');
    assert.equal(await server().exited, 0);
  });
});

describe('longrun serve on PostgreSQL with --http-processes 2', { skip }, () => {
  const server = serveOnFreshSchema(['--grace-ms', '200', '--http-processes', '2']);

  it('creates in an HTTP process, runs in the primary, watches over SSE, and cancels', async () => {
    await createWatchCancel(server());
    server().proc.kill('SIGTERM');
    assert.equal(await server().exited, 0);
  });
});
