/**
 * The storage side of schedules (core/schedule.ts has the rules): what a store keeps of a schedule
 * and the methods' parameters. Each store carries these out in its `schedules.ts`.
 *
 * ```ts
 * await store.scheduleCreate({ schedule: { id, workspaceId: 'default', type: 'report.daily', … } });
 * const due = await store.scheduleDue({ now, types: ['report.daily'], limit: 50 });
 * ```
 */
import type { CatchUpMode, OverlapMode } from '../core/schedule.ts';

export interface ScheduleRecord {
  id: string;
  workspaceId: string;
  name: string | null;
  type: string;
  input: unknown;
  cron: string;
  timezone: string;
  overlap: OverlapMode;
  catchUp: CatchUpMode;
  paused: boolean;
  /** `code`: declared on `defineJob` and kept in step by every worker start. */
  source: 'api' | 'code';
  /** The first fire time not processed yet; null when the expression never fires again. */
  nextFireAt: number | null;
  lastFireAt: number | null;
  /** The job the newest processed fire enqueued. */
  lastJobId: string | null;
  createdAt: number;
  updatedAt: number;
}

export type NewSchedule = Omit<ScheduleRecord, 'createdAt' | 'updatedAt' | 'lastFireAt' | 'lastJobId'>;

/** Fields a PATCH may change; `nextFireAt` is recomputed by the caller when timing changes. */
export type SchedulePatch = Partial<
  Pick<
    ScheduleRecord,
    'name' | 'input' | 'cron' | 'timezone' | 'overlap' | 'catchUp' | 'paused' | 'nextFireAt'
  >
>;

export interface ScheduleStore {
  scheduleCreate(params: { schedule: NewSchedule }): Promise<ScheduleRecord>;
  /**
   * A code schedule: inserted, or its definition replaced when it differs (`nextFireAt` then taken
   * from the params); `paused` and the cursor of an unchanged definition are kept.
   */
  scheduleUpsert(params: { schedule: NewSchedule }): Promise<{ schedule: ScheduleRecord; changed: boolean }>;
  scheduleGet(params: { workspaceId: string; id: string }): Promise<ScheduleRecord | null>;
  /** Oldest first. */
  scheduleList(params: { workspaceId: string; limit: number }): Promise<ScheduleRecord[]>;
  scheduleUpdate(params: {
    workspaceId: string;
    id: string;
    patch: SchedulePatch;
  }): Promise<ScheduleRecord | null>;
  scheduleDelete(params: { workspaceId: string; id: string }): Promise<boolean>;
  /** Unpaused schedules of these types whose next fire time is at or before `now`, earliest first. */
  scheduleDue(params: { now: number; types: string[]; limit: number }): Promise<ScheduleRecord[]>;
  /**
   * Moves the cursor from `from` to `to`, only if it is still `from` (another scheduler may have
   * moved it); sets the last fire when one was enqueued. True when this call moved it.
   */
  scheduleAdvance(params: {
    id: string;
    from: number;
    to: number | null;
    lastFire: { at: number; jobId: string } | null;
  }): Promise<boolean>;
  /**
   * Ids of the schedule's jobs that are pending or running, oldest first, other than the one with
   * idempotency key `exceptKey` (the fire being handled): what `overlap` looks at.
   */
  scheduleActiveJobs(params: {
    workspaceId: string;
    scheduleId: string;
    exceptKey?: string;
  }): Promise<string[]>;
}
