/**
 * Longrun as an outside project gets it: `npm pack`, the tarball installed into a fresh folder
 * outside this repository, and the job modules, scripts and TypeScript of test/fixtures/consumer/
 * run there with plain `node` and `npx longrun`, never through this checkout's sources or tsx.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { build } from 'esbuild';
import { ROOT } from './cli-helpers.ts';
import { tempDir, waitFor } from './helpers.ts';
import {
  banner,
  npmInstall,
  npxLongrun,
  outsideProject,
  type Packed,
  pack,
  run,
  runJobOverHttp,
  spawnIn,
} from './package-helpers.ts';
import { dropSchema, newSchemaName, PG_URL, pgSkipReason } from './store-postgres-helpers.ts';

const pgSkip = await pgSkipReason();
const FIXTURES = join(ROOT, 'test', 'fixtures', 'consumer');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const GREET = { type: 'consumer.greet', input: { names: ['Ada', 'Grace', 'Edsger'] } };

let packed: Packed;
let project: string;
let packDir: { dir: string; cleanup: () => void };

before(async () => {
  packDir = tempDir('longrun-pack-');
  packed = await pack(packDir.dir);
  project = await outsideProject(packed.tarball, ['@types/node@20.19.43']);
  for (const file of readdirSync(FIXTURES)) copyFileSync(join(FIXTURES, file), join(project, file));
});

after(() => {
  packDir.cleanup();
  if (project?.startsWith(tmpdir())) rmSync(project, { recursive: true, force: true });
});

describe('the npm package, installed from its tarball into an outside project', () => {
  it('ships the build, the bin and the changelog; no sources, tests, bench, scripts or CI', () => {
    for (const path of [
      'dist/src/index.js',
      'dist/src/index.d.ts',
      'dist/src/client/index.js',
      'dist/src/api/index.js',
    ])
      assert.ok(packed.files.includes(path), `${path} ships`);
    for (const path of ['bin/longrun.js', 'CHANGELOG.md', 'README.md', 'package.json'])
      assert.ok(packed.files.includes(path), `${path} ships`);
    assert.ok(packed.files.includes('dist/src/store/sqlite/migrations/001_init.sql'), 'migrations ship');
    assert.ok(packed.files.includes('dist/examples/data/entities.json'), 'the examples’ data ships');
    assert.ok(packed.files.includes('dist/web/index.html'), 'the built dashboard ships');
    assert.ok(
      packed.files.some((f) => /^dist\/web\/app-\w+\.js$/.test(f)),
      'the dashboard’s script ships',
    );
    const stray = packed.files.filter((f) => /^(src|test|bench|scripts|\.ci|docs|examples)\//.test(f));
    assert.deepEqual(stray, []);
    console.log(
      `# tarball ${packed.size} bytes, unpacked ${packed.unpackedSize} bytes, ${packed.files.length} files`,
    );
  });

  it('npx longrun serve runs a job of a plain .mjs module to completed through the HTTP API', async () => {
    assert.equal((await run('npx', ['longrun', '--version'], project)).stdout.trim(), '0.2.0');
    const server = npxLongrun(project, [
      ...['serve', '--no-examples', '--jobs', './jobs.mjs'],
      ...['--port', '0', '--host', '127.0.0.1', '--db', './data/serve.db', '--workers', '2'],
    ]);
    try {
      const { url, key } = await banner(server);
      const job = await runJobOverHttp(url, key, GREET);
      assert.equal(job.status, 'completed');
      assert.deepEqual(job.progress, { total: 3, completed: 3, failed: 0 });
    } finally {
      await server.stop();
    }
  });

  it('runs the API and the workers in separate processes from the library alone', async () => {
    const db = join(project, 'data', 'split.db');
    const api = spawnIn(project, 'node', ['api-only.mjs', db]);
    const worker = spawnIn(project, 'node', ['worker-only.mjs', db]);
    try {
      const line = await waitFor('the API process', () => api.stdout.find((l) => l.startsWith('{')), 30_000);
      const { url, key, pid } = JSON.parse(line) as { url: string; key: string; pid: number };
      await waitFor('the worker process', () => worker.stdout.includes('worker started'), 30_000);
      const job = await runJobOverHttp(url, key, GREET);
      assert.equal(job.status, 'completed');
      const ran = (job.result as { pid: number }).pid;
      assert.notEqual(ran, pid, 'the API process runs no job');
      assert.equal(ran, worker.proc.pid, 'the worker process ran it');
    } finally {
      const codes = await Promise.all([api.stop(), worker.stop()]);
      assert.deepEqual(codes, [0, 0], 'both drain and exit cleanly on SIGTERM');
    }
  });

  it('loads in plain Node: ESM imports, require() of the package, and longrun/client', async () => {
    const esm = await run(
      'node',
      [
        '--input-type=module',
        '-e',
        "import { LongrunClient } from 'longrun/client'; console.log(typeof LongrunClient)",
      ],
      project,
    );
    assert.equal(esm.stdout.trim(), 'function', esm.stderr);
    const cjs = await run(
      'node',
      [
        '-e',
        "const l = require('longrun'); console.log(typeof l.defineJob, require('longrun/package.json').version)",
      ],
      project,
    );
    assert.equal(cjs.stdout.trim(), 'function 0.2.0', cjs.stderr);
  });

  it('needs no pg on SQLite, and opening PostgreSQL without it names the package to install', async () => {
    assert.equal(existsSync(join(project, 'node_modules', 'pg')), false);
    const res = await run(
      'node',
      [
        '--input-type=module',
        '-e',
        "import { createPostgresStore } from 'longrun'; await createPostgresStore({ connectionString: 'postgres://x@127.0.0.1/x' }).catch((e) => console.log(e.name + ': ' + e.message));",
      ],
      project,
    );
    assert.match(res.stdout, /^DriverMissingError: .*npm install pg/);
    const cli = await run('npx', ['longrun', 'migrate', '--db', 'postgres://x@127.0.0.1/x'], project);
    assert.equal(cli.code, 1);
    assert.match(cli.stderr, /npm install pg/);
  });

  it('says what a TypeScript job module needs on a Node that does not run TypeScript', async () => {
    writeFileSync(join(project, 'jobs.ts'), 'export const answer: number = 42;\n');
    const res = await run(
      'npx',
      ['longrun', 'serve', '--no-examples', '--jobs', './jobs.ts', '--db', ':memory:'],
      project,
    );
    assert.equal(res.code, 1);
    assert.match(res.stderr, /TypeScript job module \.\/jobs\.ts.*Node 22\.6.*tsx/);
  });

  for (const resolution of ['nodenext', 'bundler'] as const) {
    it(`type-checks a TypeScript consumer with moduleResolution ${resolution}`, async () => {
      const config = join(project, `tsconfig.${resolution}.json`);
      const compilerOptions = {
        module: resolution === 'nodenext' ? 'nodenext' : 'esnext',
        moduleResolution: resolution,
        target: 'es2022',
        strict: true,
        noUncheckedIndexedAccess: true,
        noEmit: true,
        // The package's own .d.ts files are checked too: none may name a driver that is not installed.
        skipLibCheck: false,
        types: ['node'],
      };
      writeFileSync(config, JSON.stringify({ compilerOptions, files: ['typed.ts'] }));
      const res = await run('node', [TSC, '-p', config], project);
      assert.equal(res.code, 0, res.stdout + res.stderr);
    });
  }

  it('bundles longrun/client for the browser with no Node built-in', async () => {
    const out = await build({
      absWorkingDir: project,
      entryPoints: ['browser.js'],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(out.metafile.inputs);
    assert.ok(inputs.includes('node_modules/longrun/dist/src/client/index.js'), inputs.join(', '));
    const code = out.outputFiles[0]!.text;
    assert.doesNotMatch(code, /\bnode:|require\(/);
  });

  it('npx longrun worker --db postgres://… runs a job of the module', { skip: pgSkip }, async () => {
    await npmInstall(project, ['pg@8.23.1']);
    const db = `${PG_URL}?schema=${newSchemaName()}`;
    const common = ['--no-examples', '--jobs', './jobs.mjs', '--db', db];
    const api = npxLongrun(project, [
      'serve',
      ...common,
      '--workers',
      '0',
      '--port',
      '0',
      '--host',
      '127.0.0.1',
    ]);
    let worker: ReturnType<typeof npxLongrun> | undefined;
    try {
      const { url, key } = await banner(api);
      worker = npxLongrun(project, ['worker', ...common, '--concurrency', '2']);
      const job = await runJobOverHttp(url, key, GREET);
      assert.equal(job.status, 'completed');
      assert.deepEqual(job.progress, { total: 3, completed: 3, failed: 0 });
    } finally {
      await Promise.all([worker?.stop(), api.stop()]);
      await dropSchema(new URL(db).searchParams.get('schema')!);
    }
  });
});
