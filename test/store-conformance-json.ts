/**
 * Conformance: on random jobs, every JSON text a store writes itself (`jobListJson`,
 * `jobDetailJson`) is byte-equal to `JSON.stringify` of the schema's serialisation
 * (core/job-json.ts) of what `jobList` / `jobDetailGet` return. Names, inputs, results, log lines,
 * errors, cancellers and schedule ids are drawn from a seeded generator that favours what JSON writers disagree
 * on: quotes, backslashes, control characters, U+2028, astral characters, floats, deep nesting.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRandom } from '../soak/random.ts';
import type { FinishOutcome } from '../src/store/types.ts';
import { assertDetailJson } from './store-conformance-detail.ts';
import { claim, insert, listAll, T0, type WithStore } from './store-conformance-helpers.ts';

const PIECES = [
  'a',
  'Z',
  ' ',
  '"',
  '\\',
  '/',
  '\n',
  '\t',
  '\u0001',
  '\u001f',
  '\u007f',
  'é',
  'ß',
  '\u2028',
  '\u2029',
  '😀',
  '𝄞',
  '中文',
  '<',
  '&',
  "'",
  '%',
  '_',
  '0',
];

function gen(random: () => number) {
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T;
  const text = (max: number) => Array.from({ length: int(max) + 1 }, () => pick(PIECES)).join('');
  const value = (depth: number): unknown => {
    const k = int(depth > 2 ? 5 : 7);
    if (k === 0) return null;
    if (k === 1) return random() < 0.5;
    if (k === 2)
      return pick([0, -1, 42, 2 ** 53 - 1, -(2 ** 31), 0.5, 3.25, -2.125, 1e21, 1.5e-7, 123456.789]);
    if (k === 3 || k === 4) return text(12);
    if (k === 5) return Array.from({ length: int(4) }, () => value(depth + 1));
    return Object.fromEntries(Array.from({ length: int(4) }, () => [text(6), value(depth + 1)]));
  };
  return { int, pick, text, value };
}

const FATES = [
  'pending',
  'running',
  'completed',
  'failed',
  'cancelled-running',
  'cancelled-pending',
  'retrying',
] as const;

export function jsonTests(withStore: WithStore): void {
  describe('store-built JSON (random jobs)', () => {
    for (const seed of [1, 2, 3]) {
      it(`is byte-equal to the schema's serialisation (seed ${seed})`, () =>
        withStore(async ({ store, clock }) => {
          const g = gen(seededRandom(seed));
          const fates = Array.from({ length: 40 }, () => g.pick(FATES));
          const ids = await insert(
            store,
            ...fates.map(() => ({
              type: 't.json',
              name: g.text(30),
              input: g.value(0),
              maxAttempts: 1 + g.int(3),
              scheduleId: g.int(2) ? g.text(20) : null,
            })),
          );
          const claimed = await claim(store, { types: ['t.json'], limit: 100, workerId: g.text(8) });
          clock.advance(1 + g.int(5_000));
          for (const [i, fate] of fates.entries()) {
            const id = ids[i] ?? '';
            const lease = claimed.find((c) => c.lease.jobId === id)?.lease;
            assert.ok(lease);
            const logs = Array.from({ length: g.int(4) }, () => ({
              level: g.pick(['info', 'warn', 'error'] as const),
              message: g.text(40),
              step: g.int(2) ? g.text(5) : null,
              timestamp: T0 + g.int(10_000),
            }));
            const step = g.text(5);
            const writes = {
              progress: { total: g.int(1_000), completed: g.int(100), failed: g.int(10) },
              logs,
              steps: [{ name: step, status: 'running' as const }],
              items: [{ step, key: g.text(6), status: 'failed' as const, error: g.text(20) }],
              currentStep: g.int(2) ? step : null,
            };
            if (fate === 'pending') {
              await store.jobFinish({ finishes: [{ lease, outcome: 'released' }] });
              continue;
            }
            if (fate.startsWith('cancelled'))
              await store.jobCancel({ workspaceId: 'ws1', id, by: g.text(10) });
            if (fate === 'running' || fate === 'cancelled-running') {
              await store.jobWrite({ writes: [{ lease, ...writes }] });
              continue;
            }
            const outcome: FinishOutcome = fate === 'completed' ? 'completed' : 'failed';
            await store.jobFinish({
              finishes: [
                {
                  lease,
                  outcome,
                  writes,
                  ...(outcome === 'completed' ? { result: g.value(0) } : {}),
                  error: outcome === 'completed' ? null : { code: g.text(6), message: g.text(60) },
                  retryDelayMs: fate === 'retrying' ? 1_000 : null,
                },
              ],
            });
          }
          const listed = await listAll(store, { workspaceId: 'ws1' }, 9);
          assert.equal(listed.length, ids.length);
          for (const id of ids)
            for (const logLimit of [1, 1_000])
              await assertDetailJson(store, { workspaceId: 'ws1', id, logLimit });
        }));
    }
  });
}
