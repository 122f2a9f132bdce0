/**
 * The whole HTTP API suite (test/api-*.test.ts) once more, on PostgreSQL: the store conformance
 * suite holds the two stores to one contract, and this holds the API over each of them to one
 * behaviour (status codes, bodies, SSE, NUL and other edges). It runs in a child process because
 * the API tests pick their store when their fixture module loads (`LONGRUN_API_STORE`).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { pgSkipReason } from './store-postgres-helpers.ts';

const skip = await pgSkipReason();
const dir = import.meta.dirname;
const files = readdirSync(dir)
  .filter((f) => /^api-.*\.test\.ts$/.test(f) && f !== 'api-on-postgres.test.ts')
  .map((f) => join(dir, f));

it('passes every API test on PostgreSQL', { skip, timeout: 300_000 }, async (t) => {
  const args = ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=tap', ...files];
  // Without NODE_TEST_CONTEXT: set, it makes the child report to this runner instead of running.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  const child = spawn(process.execPath, args, {
    env: { ...env, LONGRUN_API_STORE: 'postgres' },
    // A timed-out or cancelled test takes its child (and the child's pools) with it.
    signal: t.signal,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    out += d;
  });
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  assert.ok(files.length >= 8, `found the API test files: ${files.join(', ')}`);
  assert.equal(code, 0, `the API suite failed on PostgreSQL:\n${out}`);
  const passed = Number(/^# pass (\d+)$/m.exec(out)?.[1] ?? 0);
  assert.ok(passed >= 60, `ran the API tests (${passed} passed):\n${out.slice(-2_000)}`);
});
