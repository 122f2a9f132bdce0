/**
 * The job status machine. The stores enforce it in SQL (CHECK constraints and a trigger per
 * backend that refuses any other transition and freezes terminal states). `canTransition` is the
 * table both triggers are tested against (status-machine.test.ts, store-postgres-ops.test.ts), and
 * the check the stores' shared decisions (store/write-rules.ts, store/lease-recovery.ts) make
 * before anything is written.
 *
 * ```ts
 * canTransition('pending', 'running'); // true
 * canTransition('completed', 'running'); // false: terminal states never change
 * ```
 */
export const JOB_STATUSES = ['pending', 'running', 'completed', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const TERMINAL_STATUSES: readonly JobStatus[] = ['completed', 'failed', 'cancelled'];

/** `running → pending` is a retry (or a release on shutdown): it comes back with a later `runAt`. */
const TRANSITIONS: Record<JobStatus, readonly JobStatus[]> = {
  pending: ['running', 'cancelled'],
  running: ['pending', 'completed', 'failed', 'cancelled'],
  completed: [],
  failed: [],
  cancelled: [],
};

export function isJobStatus(value: string): value is JobStatus {
  return (JOB_STATUSES as readonly string[]).includes(value);
}

export function isTerminal(status: JobStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

export function canTransition(from: JobStatus, to: JobStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Why an attempt ended; recorded on every attempt row. */
export const ATTEMPT_OUTCOMES = [
  'completed',
  'failed',
  'crashed',
  'timed_out',
  'cancelled',
  'released',
] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];
