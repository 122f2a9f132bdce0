import type { JobStatus } from '../../../src/client/types.ts';

export const STATUSES: JobStatus[] = ['pending', 'running', 'completed', 'failed', 'cancelled'];

export function StatusBadge({ status, stopping }: { status: string; stopping?: boolean }) {
  return (
    <span class={`badge status-${status}`}>
      {status}
      {stopping ? ' (stopping…)' : ''}
    </span>
  );
}
