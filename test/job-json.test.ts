/** The public JSON of a job is its schema's fields, in order, and nothing internal. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Job } from '../src/core/job.ts';
import { toJobDetailJson, toJobJson } from '../src/core/job-json.ts';
import { JobDetailSchema, JobSchema } from '../src/core/job-schema.ts';

const base: Job = {
  id: '01938f3e-0000-7000-8000-000000000001',
  workspaceId: 'default',
  name: 'Publish 40 entries',
  type: 'seo.publish',
  category: 'seo',
  status: 'running',
  progress: { total: 40, completed: 12, failed: 1 },
  createdAt: 1_700_000_000_000,
  completedAt: null,
  startedAt: 1_700_000_000_500,
  updatedAt: 1_700_000_001_000,
  runAt: 1_700_000_000_000,
  priority: 5,
  attempt: 2,
  maxAttempts: 3,
  currentStep: 'publish',
  cancelRequestedAt: null,
  cancelledBy: null,
  scheduleId: null,
  error: null,
  retryOf: null,
  retryOnly: null,
};

it('toJobJson and toJobDetailJson keep exactly the schema fields, in the schema order', () => {
  const job = toJobJson(base);
  assert.deepEqual(Object.keys(job), Object.keys(JobSchema.shape));
  JobSchema.strict().parse(job);
  assert.equal('workspaceId' in job, false);
  assert.equal(job.priority, 5);
  assert.equal(job.runAt, 1_700_000_000_000);
  const detail = toJobDetailJson({
    ...base,
    input: { a: 1 },
    result: null,
    logs: [{ id: 1, timestamp: 1, level: 'info', message: 'm', step: null, attempt: 1 }],
    logsTotal: 1,
    steps: [
      { name: 's', status: 'completed', attempt: 1, startedAt: 1, completedAt: 2, result: { secret: 1 } },
    ],
    attempts: [{ attempt: 1, workerId: 'w', startedAt: 1, endedAt: 2, outcome: 'completed', error: null }],
  });
  assert.deepEqual(Object.keys(detail), Object.keys(JobDetailSchema.shape));
  JobDetailSchema.strict().parse(detail);
  assert.equal('result' in (detail.steps[0] ?? {}), false, "a step's resume state is not public");
});
