/** Applying the workspace stream's events to job rows already on screen. */
import type { Job, StreamEvent } from '../../src/client/types.ts';
import { recordProgress } from './components/Progress.tsx';

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/** The job after `e`, or the same object when `e` is about another job or changes nothing shown. */
export function applyEvent(job: Job, e: StreamEvent): Job {
  const d = e.data;
  if (d.jobId !== job.id) return job;
  const updatedAt = num(d.timestamp) ?? job.updatedAt;
  if (e.event === 'progress') {
    const progress = {
      total: num(d.total) ?? job.progress.total,
      completed: num(d.completed) ?? job.progress.completed,
      failed: num(d.failed) ?? job.progress.failed,
    };
    const next = { ...job, progress, updatedAt };
    recordProgress(next);
    return next;
  }
  if (e.event === 'status' && typeof d.status === 'string') {
    // A late event must not undo a terminal status (cancelled stays cancelled when its worker ends).
    const terminal = job.status === 'completed' || job.status === 'failed' || job.status === 'cancelled';
    const status = terminal && d.status !== job.status ? job.status : (d.status as Job['status']);
    return {
      ...job,
      status,
      updatedAt,
      completedAt: 'completedAt' in d ? (num(d.completedAt) ?? null) : job.completedAt,
      cancelRequestedAt: num(d.cancelRequestedAt) ?? job.cancelRequestedAt,
      startedAt: job.startedAt ?? (status === 'running' ? updatedAt : null),
      currentStep: status === 'running' ? job.currentStep : null,
    };
  }
  if (e.event === 'step' && typeof d.name === 'string') {
    return { ...job, updatedAt, currentStep: d.status === 'running' ? d.name : job.currentStep };
  }
  return job;
}

/** Applies `e` to a list; returns the same array when no row changed (so nothing re-renders). */
export function applyToList(jobs: Job[], e: StreamEvent): Job[] {
  const i = jobs.findIndex((j) => j.id === e.data.jobId);
  if (i < 0) return jobs;
  const next = applyEvent(jobs[i]!, e);
  if (next === jobs[i]) return jobs;
  const copy = jobs.slice();
  copy[i] = next;
  return copy;
}
