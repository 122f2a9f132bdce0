/**
 * The storage side of flow control (store/concurrency.ts has the rules): the limits a claim
 * honours and the paused job types of a workspace. Each store carries these out in its `flow.ts`.
 *
 * ```ts
 * await store.jobTypePause({ workspaceId: 'default', type: 'sync.pull', by: 'ops key' });
 * await store.jobClaim({ workerId, limit: 10, types, leaseMs, limits: [{ type: 'sync.pull', limit: 1, perKey: true }] });
 * ```
 */

/**
 * A concurrency limit a claim honours (store/concurrency.ts): at most `limit` jobs of `type` hold
 * a lease at once, per workspace + concurrency key when `perKey`, else across all workspaces.
 */
export interface ClaimLimit {
  type: string;
  limit: number;
  perKey: boolean;
}

/** A job type paused in a workspace: its pending jobs are not claimed until it is resumed. */
export interface JobTypePause {
  type: string;
  pausedAt: number;
  pausedBy: string | null;
}

export interface FlowStore {
  /**
   * Pauses a job type in a workspace (claims skip its pending jobs); pausing a paused type keeps
   * the first pause and answers it.
   */
  jobTypePause(params: { workspaceId: string; type: string; by?: string }): Promise<JobTypePause>;
  /** Resumes a paused type and announces work; false when it was not paused. */
  jobTypeResume(params: { workspaceId: string; type: string }): Promise<boolean>;
  jobTypePauseList(params: { workspaceId: string }): Promise<JobTypePause[]>;
}
