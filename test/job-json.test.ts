/** The hand-written list serializer must write exactly what `JSON.stringify(jobs.map(toJobJson))` does. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Job } from '../src/core/job.ts';
import { jobsJsonText, toJobJson } from '../src/core/job-json.ts';

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
  error: null,
};

it('jobsJsonText writes the bytes of JSON.stringify(jobs.map(toJobJson))', () => {
  const jobs: Job[] = [
    base,
    {
      ...base,
      name: 'Ünïcødé "quoted" \\ back\nslash \u0001 \u2028 😀 \ud800',
      status: 'failed',
      completedAt: 1_700_000_002_000,
      currentStep: null,
      cancelRequestedAt: 1_700_000_001_500,
      cancelledBy: 'ops "night" key \u2028',
      error: { code: 'boom', message: 'it "broke"\n\t…' },
    },
    { ...base, progress: { total: 0, completed: 0, failed: 0 }, startedAt: null, currentStep: 'step "two"' },
    { ...base, progress: { total: Number.NaN, completed: Number.POSITIVE_INFINITY, failed: -0 } },
  ];
  for (const page of [[], jobs.slice(0, 1), jobs]) {
    assert.equal(jobsJsonText(page), JSON.stringify(page.map(toJobJson)));
  }
});
