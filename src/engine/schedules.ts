/**
 * Schedules as the engine offers them (`longrun.schedules`): create, list, get (with the next fire
 * times), update, delete, each validated here so the API, the CLI and library callers get the same
 * 400s; and `syncCode`, which turns the `schedule` of each `defineJob` into a stored schedule.
 *
 * ```ts
 * const s = await longrun.schedules.create({ type: 'report.daily', input: {}, cron: '30 2 * * *', timezone: 'Europe/Berlin' });
 * await longrun.schedules.update(s.id, { paused: true });
 * ```
 */
import { LongrunError } from '../core/errors.ts';
import { newJobId } from '../core/ids.ts';
import { DEFAULT_WORKSPACE } from '../core/job.ts';
import {
  type CatchUpMode,
  codeScheduleId,
  nextFireTime,
  nextFireTimes,
  normalizeCron,
  type OverlapMode,
  parseCron,
} from '../core/schedule.ts';
import type { NewSchedule, SchedulePatch, ScheduleRecord } from '../store/schedule-types.ts';
import type { Store } from '../store/types.ts';
import type { CodeSchedule, JobRegistry } from './define.ts';
import { zodIssuesToDetails } from './enqueue.ts';

export interface NewScheduleParams {
  workspaceId?: string;
  type: string;
  input?: unknown;
  cron: string;
  timezone: string;
  name?: string | null;
  overlap?: OverlapMode;
  catchUp?: CatchUpMode;
  paused?: boolean;
}

export type ScheduleUpdate = Omit<SchedulePatch, 'nextFireAt'>;

export interface ScheduleDetail extends ScheduleRecord {
  /** The next five fire times after now (none while paused is still shown: when it would fire). */
  nextFireTimes: number[];
}

export const DEFAULT_OVERLAP: OverlapMode = 'skip';
export const DEFAULT_CATCH_UP: CatchUpMode = 'none';
/** A workspace's schedules are listed in one page; more is a sign of generated schedules gone wrong. */
export const MAX_SCHEDULES_LISTED = 1_000;

type Detail = { path: string; message: string };

export class Schedules {
  constructor(
    private readonly store: Store,
    private readonly registry: JobRegistry,
  ) {}

  async create(p: NewScheduleParams): Promise<ScheduleRecord> {
    const input = p.input ?? {};
    const problems = [...this.checkType(p.type, input), ...timingProblems(p)];
    if (problems.length > 0) throw invalid(problems);
    const cron = parseCron(p);
    const now = await this.store.clockNow();
    return this.store.scheduleCreate({
      schedule: {
        id: newJobId(now),
        workspaceId: p.workspaceId ?? DEFAULT_WORKSPACE,
        name: p.name ?? null,
        type: p.type,
        input,
        cron: normalizeCron(p.cron),
        timezone: p.timezone,
        overlap: p.overlap ?? DEFAULT_OVERLAP,
        catchUp: p.catchUp ?? DEFAULT_CATCH_UP,
        paused: p.paused ?? false,
        source: 'api',
        nextFireAt: nextFireTime(cron, now),
      },
    });
  }

  list(opts: { workspaceId?: string } = {}): Promise<ScheduleRecord[]> {
    return this.store.scheduleList({
      workspaceId: opts.workspaceId ?? DEFAULT_WORKSPACE,
      limit: MAX_SCHEDULES_LISTED,
    });
  }

  async get(id: string, opts: { workspaceId?: string } = {}): Promise<ScheduleDetail> {
    const s = await this.require(id, opts.workspaceId);
    const now = await this.store.clockNow();
    return { ...s, nextFireTimes: nextFireTimes(parseCron(s), now, 5) };
  }

  /**
   * A code schedule takes only `paused` (its definition is the code's); resuming, or a new cron or
   * zone, restarts the cursor from now: fires missed while paused are not caught up.
   */
  async update(
    id: string,
    patch: ScheduleUpdate,
    opts: { workspaceId?: string } = {},
  ): Promise<ScheduleRecord> {
    const workspaceId = opts.workspaceId ?? DEFAULT_WORKSPACE;
    const s = await this.require(id, workspaceId);
    const fields = Object.keys(patch).filter((k) => patch[k as keyof ScheduleUpdate] !== undefined);
    if (s.source === 'code' && fields.some((f) => f !== 'paused'))
      throw new LongrunError('conflict', `schedule ${id} is declared in code: only "paused" can change`, {
        details: fields.filter((f) => f !== 'paused').map((path) => ({ path, message: 'set in code' })),
      });
    const timing = { cron: patch.cron ?? s.cron, timezone: patch.timezone ?? s.timezone };
    const problems = [
      ...(patch.input !== undefined ? this.checkType(s.type, patch.input) : []),
      ...timingProblems(timing),
    ];
    if (problems.length > 0) throw invalid(problems);
    const restart =
      patch.cron !== undefined || patch.timezone !== undefined || (patch.paused === false && s.paused);
    const full: SchedulePatch = {
      ...patch,
      ...(patch.cron !== undefined ? { cron: normalizeCron(patch.cron) } : {}),
    };
    if (restart) full.nextFireAt = nextFireTime(parseCron(timing), await this.store.clockNow());
    const updated = await this.store.scheduleUpdate({ workspaceId, id, patch: full });
    if (!updated) throw notFound(id);
    return updated;
  }

  async delete(id: string, opts: { workspaceId?: string } = {}): Promise<void> {
    const workspaceId = opts.workspaceId ?? DEFAULT_WORKSPACE;
    const s = await this.require(id, workspaceId);
    if (s.source === 'code')
      throw new LongrunError('conflict', `schedule ${id} is declared in code: remove it there, or pause it`);
    if (!(await this.store.scheduleDelete({ workspaceId, id }))) throw notFound(id);
  }

  /**
   * Upserts `code-<type>` in the default workspace for each registered type with a `schedule`, and
   * deletes the code schedules of registered types that no longer declare one. A changed
   * declaration restarts the cursor from now; an unchanged one keeps it (and its `paused`).
   */
  async syncCode(): Promise<void> {
    const now = await this.store.clockNow();
    const declared = new Set<string>();
    for (const type of this.registry.types()) {
      const def = this.registry.require(type);
      if (!def.schedule) continue;
      declared.add(type);
      await this.store.scheduleUpsert({ schedule: codeSchedule(type, def.schedule, now) });
    }
    const stored = await this.store.scheduleList({
      workspaceId: DEFAULT_WORKSPACE,
      limit: MAX_SCHEDULES_LISTED,
    });
    for (const s of stored)
      if (s.source === 'code' && this.registry.get(s.type) && !declared.has(s.type))
        await this.store.scheduleDelete({ workspaceId: DEFAULT_WORKSPACE, id: s.id });
  }

  private async require(id: string, workspaceId = DEFAULT_WORKSPACE): Promise<ScheduleRecord> {
    const s = await this.store.scheduleGet({ workspaceId, id });
    if (!s) throw notFound(id);
    return s;
  }

  private checkType(type: string, input: unknown): Detail[] {
    const def = this.registry.get(type);
    if (!def) {
      const known = this.registry.types().join(', ') || '(none)';
      return [{ path: 'type', message: `unknown job type "${type}"; registered types: ${known}` }];
    }
    const parsed = def.input.safeParse(input);
    return parsed.success ? [] : zodIssuesToDetails(parsed.error.issues, 'input');
  }
}

function codeSchedule(type: string, s: CodeSchedule, now: number): NewSchedule {
  const timing = { cron: normalizeCron(s.cron), timezone: s.timezone ?? 'UTC' };
  return {
    id: codeScheduleId(type),
    workspaceId: DEFAULT_WORKSPACE,
    name: null,
    type,
    input: s.input ?? {},
    ...timing,
    overlap: s.overlap ?? DEFAULT_OVERLAP,
    catchUp: s.catchUp ?? DEFAULT_CATCH_UP,
    paused: false,
    source: 'code',
    nextFireAt: nextFireTime(parseCron(timing), now),
  };
}

/** Every problem of the cron and the zone at once, not just the first. */
function timingProblems(t: { cron: string; timezone: string }): Detail[] {
  const out: Detail[] = [];
  for (const probe of [t, { cron: t.cron, timezone: 'UTC' }, { cron: '* * * * *', timezone: t.timezone }]) {
    try {
      parseCron(probe);
      if (probe === t) return [];
    } catch (err) {
      if (probe === t) continue;
      const details = (err as LongrunError).details ?? [];
      out.push(...(details as Detail[]));
    }
  }
  return out;
}

function invalid(details: Detail[]): LongrunError {
  return new LongrunError('invalid_input', `invalid schedule: ${details.map((d) => d.path).join(', ')}`, {
    details,
  });
}

function notFound(id: string): LongrunError {
  return new LongrunError('not_found', `schedule ${id} not found`);
}
