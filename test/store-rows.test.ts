/** `rawToJob` reads columns by position: it must agree with `rowToJob` for the order of `JOB_COLUMNS`. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { JOB_COLUMN_COUNT, JOB_COLUMNS, rawToJob, rowToJob } from '../src/store/rows.ts';

it('rawToJob and rowToJob map the same row to the same job', () => {
  const names = JOB_COLUMNS.split(', ');
  assert.equal(names.length, JOB_COLUMN_COUNT);
  // A distinct value per column, so a swapped position cannot go unnoticed.
  const values = names.map((name, i) =>
    name === 'status' ? 'running' : name === 'retry_only' ? 'failed-items' : i + 1,
  );
  const row = Object.fromEntries(names.map((name, i) => [name, values[i]]));
  assert.deepEqual(rawToJob(values), rowToJob(row));
  const withoutError = values.map((v, i) => (names[i] === 'error_code' ? null : v));
  const rowWithoutError = Object.fromEntries(names.map((name, i) => [name, withoutError[i]]));
  assert.deepEqual(rawToJob(withoutError), rowToJob(rowWithoutError));
  assert.equal(rawToJob(withoutError).error, null);
});
