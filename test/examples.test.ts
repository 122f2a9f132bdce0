/**
 * The example job types, run for real: a SQLite file, the worker pool, the bundled data set, and
 * outputs in a temporary directory. The expected counts come from the known-bad entries of
 * `examples/data/` (see the comments in `examples/index.ts`).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import {
  createExampleJobs,
  DEMO_REQUESTS,
  type DescriptionGenerator,
  type ExampleOptions,
  type PublishedDocument,
  startExampleJobs,
} from '../examples/index.ts';
import { parseCsv } from '../examples/lib/csv.ts';
import {
  createLongrun,
  createSqliteStore,
  type JobDetail,
  type Longrun,
  LongrunError,
} from '../src/index.ts';

async function setup(t: TestContext, opts: ExampleOptions = {}, start = true) {
  const dir = mkdtempSync(join(tmpdir(), 'longrun-examples-'));
  const store = await createSqliteStore({ path: join(dir, 'longrun.db') });
  const outRoot = join(dir, 'out');
  const longrun = createLongrun({ store, jobs: createExampleJobs({ outRoot, ...opts }) });
  if (start) longrun.start({ concurrency: 4, flushIntervalMs: 20 });
  t.after(async () => {
    await longrun.stop({ graceMs: 2_000 });
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  /** Enqueues and waits until the job has stopped (`completedAt` is set in every terminal state). */
  const run = async (type: string, input: unknown) => {
    const { job } = await longrun.enqueue(type, input);
    return waitFor(longrun, job.id, (j) => j.completedAt !== null);
  };
  return { dir, outRoot, longrun, run };
}

/** Polls until `done` holds; fails with the job's state at the deadline rather than hanging. */
async function waitFor(longrun: Longrun, id: string, done: (j: JobDetail) => boolean, ms = 20_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const job = await longrun.getJob(id);
    if (done(job)) return job;
    if (Date.now() > deadline) {
      assert.fail(`job ${id} is ${job.status} ${JSON.stringify(job.progress)} after ${ms} ms`);
    }
    await new Promise((r) => setTimeout(r, 15));
  }
}

async function failedItems(longrun: Longrun, id: string) {
  const items = await longrun.listItems(id, { status: 'failed' });
  return Object.fromEntries(items.map((i) => [i.key, i.error ?? '']));
}

const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

test('seo.publish writes one JSON document per valid entity and fails the invalid ones', async (t) => {
  const { outRoot, longrun, run } = await setup(t);
  const job = await run('seo.publish', { bucketId: 'spring-launch', outDir: 'site', delayMs: 0 });
  assert.equal(job.status, 'completed');
  assert.deepEqual(job.progress, { total: 12, completed: 10, failed: 2 });
  assert.deepEqual(
    job.steps.map((s) => `${s.name}:${s.status}`),
    ['load:completed', 'publish:completed'],
  );
  const site = join(outRoot, 'site');
  assert.equal(readdirSync(site).length, 10);
  const doc = json(join(site, 'spring-reimagined-our-new-look.json')) as PublishedDocument;
  assert.equal(doc.id, 'ent-002');
  assert.equal(doc.title, 'Spring, "reimagined": our new look');
  const failed = await failedItems(longrun, job.id);
  assert.deepEqual(Object.keys(failed).sort(), ['ent-007', 'ent-010']);
  assert.match(failed['ent-007'] ?? '', /missing slug/);
  assert.match(failed['ent-010'] ?? '', /missing title/);
  const errors = job.logs.filter((l) => l.level === 'error').map((l) => l.message);
  assert.ok(errors.some((m) => m.includes('item ent-007 failed') && m.includes('missing slug')));
  const result = { bucketId: 'spring-launch', target: `files:${site}`, published: 10, failed: 2 };
  assert.deepEqual(job.result, result);
});

test('seo.publish uses a custom CMS target when one is configured', async (t) => {
  const published: PublishedDocument[] = [];
  const { outRoot, run } = await setup(t, {
    cmsTarget: {
      name: 'memory',
      async publish(doc) {
        published.push(doc);
        return { location: `mem://${doc.slug}` };
      },
    },
  });
  const job = await run('seo.publish', { bucketId: 'evergreen', delayMs: 0 });
  assert.deepEqual(job.progress, { total: 12, completed: 11, failed: 1 });
  assert.equal(published.length, 11);
  assert.ok(!published.some((d) => d.id === 'ent-016'), 'the entity with a bad slug is not published');
  assert.ok(!existsSync(join(outRoot, 'cms')), 'nothing was written to the file target');
  assert.match(job.logs.map((l) => l.message).join('\n'), /ent-016.*"Winter Tips!" is not URL-safe/);
});

test('ai.describe with the offline generator writes deterministic descriptions', async (t) => {
  const { outRoot, longrun, run } = await setup(t);
  const job = await run('ai.describe', { collection: 'catalog' });
  assert.equal(job.status, 'completed');
  assert.deepEqual(job.progress, { total: 24, completed: 23, failed: 1 });
  const dir = join(outRoot, 'descriptions', 'catalog');
  assert.equal(readdirSync(dir).length, 23);
  assert.deepEqual(json(join(dir, 'ent-040.json')), {
    id: 'ent-040',
    slug: 'swim-shorts',
    description: 'Swim shorts from Northwind Outfitters. From 59.99 EUR. Topics: sale, swim.',
    generator: 'template',
  });
  for (const f of readdirSync(dir)) assert.ok(json(join(dir, f)).description.length <= 160, f);
  assert.deepEqual(await failedItems(longrun, job.id), {
    'ent-045': 'entity ent-045 has no content to describe',
  });
});

test('ai.describe uses a custom generator, and a generator error fails only that item', async (t) => {
  const seen: AbortSignal[] = [];
  const generator: DescriptionGenerator = {
    name: 'fake-llm',
    async generate(entity, signal) {
      seen.push(signal);
      if (entity.id === 'ent-013') throw new Error('model refused: rate limited');
      return `LLM text for ${entity.title}`;
    },
  };
  const { outRoot, longrun, run } = await setup(t, { generator });
  const job = await run('ai.describe', { collection: 'blog', concurrency: 4 });
  assert.deepEqual(job.progress, { total: 36, completed: 33, failed: 3 });
  assert.equal(seen.length, 34, 'called for every entity with content');
  assert.ok(seen.every((s) => s instanceof AbortSignal));
  const doc = json(join(outRoot, 'descriptions', 'blog', 'ent-001.json'));
  assert.deepEqual(doc.description, 'LLM text for Spring collection is here');
  assert.equal(doc.generator, 'fake-llm');
  const failed = await failedItems(longrun, job.id);
  assert.deepEqual(Object.keys(failed).sort(), ['ent-004', 'ent-013', 'ent-022']);
  assert.match(failed['ent-013'] ?? '', /rate limited/);
});

test('ai.describe stops on cancel: the generator sees ctx.signal abort and finished items stay', async (t) => {
  let calls = 0;
  const generator: DescriptionGenerator = {
    // Answers the first five at once, then hangs like a stuck model call until aborted.
    generate: (entity, signal) =>
      ++calls <= 5
        ? Promise.resolve(`text for ${entity.id}`)
        : new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
  };
  const { outRoot, longrun } = await setup(t, { generator });
  const { job } = await longrun.enqueue('ai.describe', { collection: 'blog', concurrency: 1 });
  await waitFor(longrun, job.id, (j) => j.progress.completed + j.progress.failed >= 6);
  const cancelled = await longrun.cancel(job.id);
  assert.equal(cancelled.job.status, 'cancelled');
  assert.ok(cancelled.job.cancelRequestedAt !== null);
  const done = await waitFor(longrun, job.id, (j) => j.completedAt !== null, 5_000);
  assert.equal(done.status, 'cancelled');
  assert.equal(done.attempts.at(-1)?.outcome, 'cancelled');
  // ent-001..006: ent-004 has no content, five described; the hung 6th call was aborted.
  const files = readdirSync(join(outRoot, 'descriptions', 'blog'));
  assert.equal(files.length, 5);
  assert.equal(done.progress.completed, 5);
  assert.ok(done.progress.completed + done.progress.failed < done.progress.total);
  // The aborted call's item (ent-007) is recorded too; only ent-004's reason is pinned here.
  assert.match((await failedItems(longrun, job.id))['ent-004'] ?? '', /no content/);
  assert.match(done.logs.map((l) => l.message).join('\n'), /cancelled in step describe/);
});

test('sync.import upserts CSV then NDJSON into one database and re-running changes nothing', async (t) => {
  const { outRoot, longrun, run } = await setup(t);
  const dbPath = join(outRoot, 'db', 'products.json');
  const csv = await run('sync.import', { source: 'products.csv', delayMs: 0 });
  assert.equal(csv.status, 'completed');
  assert.deepEqual(csv.progress, { total: 26, completed: 21, failed: 5 });
  const counts = { inserted: 20, updated: 1, unchanged: 0, failed: 5, resumed: 0 };
  assert.deepEqual(csv.result, { source: 'products.csv', database: dbPath, ...counts });
  const failed = await failedItems(longrun, csv.id);
  assert.deepEqual(Object.keys(failed).sort(), ['line-13', 'line-16', 'line-19', 'line-21', 'line-24']);
  assert.match(failed['line-13'] ?? '', /expected 6 fields .* got 4/);
  assert.equal(failed['line-16'], 'line 16 (NW-1015): price: must be a number');
  assert.match(failed['line-24'] ?? '', /updatedAt: must be an ISO 8601 time/);
  let db = json(dbPath).records;
  assert.equal(Object.keys(db).length, 20);
  const { price, stock, updatedAt, line } = db['NW-1003']; // the later row (line 28) won
  assert.deepEqual([price, stock, updatedAt, line], [27, 16, '2025-04-05T08:00:00.000Z', 28]);
  assert.equal(db['NW-1007'].name, 'Mug, large (400 ml)');
  assert.equal(db['NW-1008'].name, 'The "Classic" Tee');
  assert.equal(db['NW-1025'].name, 'Rain hat,\nwaterproof');

  const nd = await run('sync.import', { source: 'inventory.ndjson', delayMs: 0 });
  assert.deepEqual(nd.progress, { total: 11, completed: 8, failed: 3 });
  const ndCounts = { inserted: 5, updated: 2, unchanged: 1, failed: 3, resumed: 0 };
  assert.deepEqual(nd.result, { source: 'inventory.ndjson', database: dbPath, ...ndCounts });
  assert.match((await failedItems(longrun, nd.id))['line-7'] ?? '', /invalid JSON/);
  db = json(dbPath).records;
  assert.equal(Object.keys(db).length, 25);
  assert.equal(db['NW-1001'].stock, 38);

  const before = readFileSync(dbPath, 'utf8');
  const again = await run('sync.import', { source: 'products.csv', delayMs: 0 });
  assert.equal((again.result as { unchanged: number }).unchanged, 21);
  assert.equal(readFileSync(dbPath, 'utf8'), before);
});

test('sync.import fails at once, without retries, when the source does not exist', async (t) => {
  const { run } = await setup(t);
  const job = await run('sync.import', { source: 'missing.csv' });
  assert.equal(job.status, 'failed');
  assert.equal(job.attempt, 1);
  assert.deepEqual(job.error, { code: 'non_retryable', message: 'source file missing.csv not found' });
});

test('export.csv writes RFC 4180 CSV with every awkward character escaped', async (t) => {
  const { outRoot, longrun, run } = await setup(t);
  const job = await run('export.csv', { collection: 'blog', delayMs: 0 });
  assert.equal(job.status, 'completed');
  assert.deepEqual(job.progress, { total: 36, completed: 35, failed: 1 });
  assert.deepEqual(Object.keys(await failedItems(longrun, job.id)), ['ent-010']);
  const text = readFileSync(join(outRoot, 'exports', 'blog.csv'), 'utf8');
  assert.ok(text.startsWith('id,slug,title,summary,tags,author,updatedAt\r\n'));
  assert.ok(text.includes('ent-002,spring-reimagined-our-new-look,"Spring, ""reimagined"": our new look",'));
  const records = parseCsv(text);
  assert.equal(records.length, 36, 'header + 35 rows');
  const row3 = records.find((r) => r.fields[0] === 'ent-003');
  assert.equal(row3?.fields[3], 'Five colours.\nOne palette, "tested" outdoors, in daylight');
  assert.equal(row3?.fields[4], 'colour;spring');
  assert.ok(records.every((r) => r.fields.length === 7 && !r.error));
});

test('export.csv writes NDJSON with the chosen columns and a custom output file', async (t) => {
  const { outRoot, run } = await setup(t);
  const columns = ['id', 'title', 'price'];
  const job = await run('export.csv', {
    collection: 'catalog',
    format: 'ndjson',
    columns,
    outFile: 'x/c.jsonl',
  });
  assert.deepEqual(job.progress, { total: 24, completed: 23, failed: 1 });
  const text = readFileSync(join(outRoot, 'x', 'c.jsonl'), 'utf8');
  const lines = text
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(lines.length, 23);
  const price = { amount: 38.99, currency: 'EUR' };
  assert.deepEqual(lines[0], { id: 'ent-037', title: 'Linen shirt', price });
});

test('inputs are validated: paths cannot escape the output root, formats are checked', async (t) => {
  const { longrun } = await setup(t, {}, false);
  for (const [type, input, path] of [
    ['seo.publish', { bucketId: 'evergreen', outDir: '../../etc' }, 'input.outDir'],
    ['export.csv', { collection: 'blog', outFile: '/tmp/x.csv' }, 'input.outFile'],
    ['export.csv', { collection: 'blog', format: 'xml' }, 'input.format'],
    ['ai.describe', { collection: '../blog' }, 'input.collection'],
  ] as const) {
    await assert.rejects(longrun.enqueue(type, input), (err: unknown) => {
      assert.ok(err instanceof LongrunError);
      assert.equal(err.code, 'invalid_input');
      const paths = err.details?.map((d) => d.path);
      assert.deepEqual(paths, [path]);
      return true;
    });
  }
});

test('each published input schema says what validation does: required fields, unknown fields', async (t) => {
  const { longrun } = await setup(t, {}, false);
  const described = longrun.registry.describe();
  assert.equal(described.length, 4);
  for (const { type, inputSchema } of described) {
    const schema = inputSchema as { required?: string[]; additionalProperties?: unknown };
    const def = longrun.registry.require(type);
    // What `{}` lacks is what a client must send: fields with defaults are not among them.
    const missing = def.input.safeParse({}).error?.issues.map((i) => String(i.path[0])) ?? [];
    assert.deepEqual((schema.required ?? []).sort(), missing.sort(), `${type}: required`);
    assert.equal(schema.additionalProperties, false, `${type}: unknown fields are refused`);
    const demo = DEMO_REQUESTS.find((r) => r.type === type);
    await assert.rejects(longrun.enqueue(type, { ...demo?.input, colection: 'blog' }), (err: unknown) => {
      assert.ok(err instanceof LongrunError && err.code === 'invalid_input');
      assert.deepEqual(
        err.details?.map((d) => d.path),
        ['input'],
      );
      assert.match(String(err.details?.[0]?.message), /colection/);
      return true;
    });
  }
});

test('startExampleJobs enqueues a demo mix covering every category', async (t) => {
  const { longrun } = await setup(t, {}, false);
  await startExampleJobs(longrun, { workspaceId: 'demo' });
  const { jobs } = await longrun.listJobs({ workspaceId: 'demo', limit: 100 });
  assert.equal(jobs.length, 8);
  assert.deepEqual([...new Set(jobs.map((j) => j.category))].sort(), ['ai', 'export', 'seo', 'sync']);
  assert.ok(jobs.every((j) => j.status === 'pending'));
  assert.ok(jobs.some((j) => j.name === 'Describe collection blog'));
  assert.equal((await longrun.listJobs({ limit: 100 })).jobs.length, 0, 'nothing in the default workspace');
});

test('the demo mix has quick jobs and one that runs for about a minute', async () => {
  const entities = JSON.parse(
    readFileSync(new URL('../examples/data/entities.json', import.meta.url), 'utf8'),
  ) as { collection: string }[];
  // ai.describe works its collection one item at a time (concurrency 1) with `delayMs` per item.
  const seconds = DEMO_REQUESTS.flatMap((r) =>
    r.type === 'ai.describe' && r.input.concurrency === 1
      ? [(entities.filter((e) => e.collection === r.input.collection).length * (r.input.delayMs ?? 0)) / 1000]
      : [],
  );
  assert.equal(seconds.length, 1, 'one long demo job');
  assert.ok(seconds[0]! >= 45 && seconds[0]! <= 90, `the long one takes about a minute (${seconds[0]} s)`);
  const quick = DEMO_REQUESTS.filter((r) => r.type === 'seo.publish' && (r.input.delayMs ?? 0) <= 200);
  assert.ok(quick.length >= 2, 'and some that finish within seconds');
});
