import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newJobId } from '../src/core/ids.ts';

const UUIDV7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('job ids', () => {
  it('are well-formed UUIDv7 across pool refills, unique, and carry the time', () => {
    const seen = new Set<string>();
    // 5,000 ids span several refills of the 16 KiB random pool (1,638 ids each).
    for (let i = 0; i < 5_000; i++) {
      const id = newJobId(1_700_000_000_000 + i);
      assert.match(id, UUIDV7, `id #${i}`);
      seen.add(id);
    }
    assert.equal(seen.size, 5_000);
    assert.equal(
      Number.parseInt(newJobId(1_700_000_000_123).replace('-', '').slice(0, 12), 16),
      1_700_000_000_123,
    );
  });
});
