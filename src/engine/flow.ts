/**
 * Job types as a workspace sees them, with their pause state, and pausing or resuming one. A pause
 * is stored (per workspace and type) so every worker of every process honours it at its next claim;
 * concurrency limits are in code (`defineJob({ concurrency })`) and shown here as declared.
 *
 * ```ts
 * await longrun.flow.pause('sync.integration', { workspaceId: 'default', by: 'ops' });
 * (await longrun.flow.jobTypes({ workspaceId: 'default' }))[0].paused; // true
 * ```
 */
import { LongrunError } from '../core/errors.ts';
import { DEFAULT_WORKSPACE } from '../core/job.ts';
import type { JobTypePause, Store } from '../store/types.ts';
import type { JobRegistry, JobTypeInfo } from './define.ts';

export interface JobTypeState extends JobTypeInfo {
  paused: boolean;
  /** When it was paused (the store's clock), or null. */
  pausedAt: number | null;
  /** Who paused it (an API key's name), when known. */
  pausedBy: string | null;
}

const withPause = (info: JobTypeInfo, pause: JobTypePause | undefined): JobTypeState => ({
  ...info,
  paused: pause !== undefined,
  pausedAt: pause?.pausedAt ?? null,
  pausedBy: pause?.pausedBy ?? null,
});

export class FlowControl {
  constructor(
    private readonly store: Store,
    private readonly registry: JobRegistry,
  ) {}

  /** The registered types with this workspace's pause state. */
  async jobTypes(opts: { workspaceId?: string } = {}): Promise<JobTypeState[]> {
    const pauses = await this.store.jobTypePauseList({ workspaceId: opts.workspaceId ?? DEFAULT_WORKSPACE });
    const byType = new Map(pauses.map((p) => [p.type, p]));
    return this.registry.describe().map((info) => withPause(info, byType.get(info.type)));
  }

  /** Pending jobs of the type stop being claimed; running ones go on. Pausing again changes nothing. */
  async pause(type: string, opts: { workspaceId?: string; by?: string } = {}): Promise<JobTypeState> {
    const info = this.known(type);
    const pause = await this.store.jobTypePause({
      workspaceId: opts.workspaceId ?? DEFAULT_WORKSPACE,
      type,
      ...(opts.by !== undefined ? { by: opts.by } : {}),
    });
    return withPause(info, pause);
  }

  /** Its pending jobs are claimable again (workers are woken). Resuming a running type changes nothing. */
  async resume(type: string, opts: { workspaceId?: string } = {}): Promise<JobTypeState> {
    const info = this.known(type);
    await this.store.jobTypeResume({ workspaceId: opts.workspaceId ?? DEFAULT_WORKSPACE, type });
    return withPause(info, undefined);
  }

  private known(type: string): JobTypeInfo {
    const info = this.registry.describe().find((t) => t.type === type);
    if (!info) throw new LongrunError('not_found', `job type ${type} not found`);
    return info;
  }
}
