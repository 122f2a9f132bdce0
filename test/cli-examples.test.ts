/**
 * `npm start` for a newcomer: `longrun serve` with the defaults registers the example job types and
 * starts the demo jobs, so live progress is visible at once; a second start on the same database
 * prints no new admin key. Runs in a temp working directory so the examples' outputs land there.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LongrunClient } from '../src/client/index.ts';
import { type Server, startServe } from './cli-helpers.ts';
import { tempDir, waitFor } from './helpers.ts';

describe('longrun serve with the examples', () => {
  let tmp: ReturnType<typeof tempDir>;
  let server: Server;
  before(async () => {
    tmp = tempDir('longrun-examples-');
    server = await startServe(join(tmp.dir, 'data', 'longrun.db'), ['--grace-ms', '200'], {
      cwd: tmp.dir,
      examples: true,
    });
  });
  after(async () => {
    if (server.proc.exitCode === null) server.proc.kill('SIGKILL');
    tmp.cleanup();
  });

  it('registers the four example types and starts demo jobs that make visible progress', async () => {
    assert.ok(server.key, 'first start prints an admin key');
    const client = new LongrunClient({ url: server.url, key: server.key });
    const types = (await client.jobTypes()).map((t) => `${t.category}:${t.type}`).sort();
    assert.deepEqual(types, ['ai:ai.describe', 'export:export.csv', 'seo:seo.publish', 'sync:sync.import']);
    const { jobs } = await client.listJobs({ limit: 100 });
    assert.ok(jobs.length >= 4, `demo jobs enqueued (${jobs.length})`);
    assert.deepEqual([...new Set(jobs.map((j) => j.category))].sort(), ['ai', 'export', 'seo', 'sync']);
    await waitFor(
      'a demo job to complete while another still runs',
      async () => {
        const s = await client.stats();
        return (s.byStatus.completed ?? 0) > 0 && (s.byStatus.running ?? 0) > 0;
      },
      30_000,
      100,
    );
    server.proc.kill('SIGTERM');
    assert.equal(await server.exited, 0);
  });
});
