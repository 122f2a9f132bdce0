/**
 * One running job's buffer of what it reports (progress, log lines, item outcomes, steps) until the
 * worker pool writes it. The pool (worker.ts) writes every running job's buffer in one store
 * transaction: every `flushIntervalMs` (200 ms by default), when one buffer holds `maxBufferedWrites`
 * items and log lines together (5,000 by default; `maxBuffered` here), and when a step completes. A
 * handler that reports a million items costs about `items / maxBufferedWrites + runtime /
 * flushIntervalMs` transactions instead of a million.
 */
import type { ItemWrite, JobWriteBatch, Lease, NewLog, StepWrite } from '../store/types.ts';

export interface PendingWrites {
  progress?: { total?: number; completed?: number; failed?: number };
  logs: NewLog[];
  items: ItemWrite[];
  steps: StepWrite[];
  currentStep?: string | null;
}

export class JobWriteBuffer {
  /** Made on the first write: most short jobs never report anything. */
  private pending: PendingWrites | null = null;

  /**
   * Set when the attempt is over (finished, or its lease lost): the pool never writes this buffer
   * again, and log lines and items reported after it are dropped.
   */
  closed = false;

  constructor(
    readonly lease: Lease,
    private knownTotal: number,
    private readonly onFull: () => void,
    private readonly maxBuffered: number,
  ) {}

  setTotal(total: number): void {
    this.knownTotal = Math.max(0, Math.floor(total));
    this.progress().total = this.knownTotal;
  }

  addTotal(n: number): void {
    this.setTotal(this.knownTotal + n);
  }

  addProgress(completed: number, failed: number): void {
    const p = this.progress();
    p.completed = (p.completed ?? 0) + completed;
    p.failed = (p.failed ?? 0) + failed;
  }

  private writes(): PendingWrites {
    this.pending ??= emptyWrites();
    return this.pending;
  }

  log(line: NewLog): void {
    if (this.closed) return;
    this.writes().logs.push(line);
    this.checkFull();
  }

  item(item: ItemWrite): void {
    if (this.closed) return;
    this.writes().items.push(item);
    this.checkFull();
  }

  step(step: StepWrite, currentStep: string | null): void {
    const w = this.writes();
    w.steps.push(step);
    w.currentStep = currentStep;
  }

  isEmpty(): boolean {
    const p = this.pending;
    return (
      p === null ||
      (!p.progress &&
        p.logs.length === 0 &&
        p.items.length === 0 &&
        p.steps.length === 0 &&
        p.currentStep === undefined)
    );
  }

  /** Puts back writes that a failed flush took, ahead of anything buffered since. */
  restore(taken: Omit<JobWriteBatch, 'lease'>): void {
    const now = this.writes();
    this.pending = {
      logs: [...(taken.logs ?? []), ...now.logs],
      items: [...(taken.items ?? []), ...now.items],
      steps: [...(taken.steps ?? []), ...now.steps],
      currentStep: now.currentStep !== undefined ? now.currentStep : taken.currentStep,
    };
    if (taken.progress || now.progress) {
      this.pending.progress = {
        total: now.progress?.total ?? taken.progress?.total,
        completed: (taken.progress?.completed ?? 0) + (now.progress?.completed ?? 0),
        failed: (taken.progress?.failed ?? 0) + (now.progress?.failed ?? 0),
      };
    }
  }

  /** Takes everything buffered; the buffer starts empty again. */
  drain(): Omit<JobWriteBatch, 'lease'> {
    const taken = this.pending ?? emptyWrites();
    this.pending = null;
    return taken;
  }

  private progress(): NonNullable<PendingWrites['progress']> {
    const w = this.writes();
    w.progress ??= {};
    return w.progress;
  }

  private checkFull(): void {
    const w = this.writes();
    if (w.logs.length + w.items.length >= this.maxBuffered) this.onFull();
  }
}

function emptyWrites(): PendingWrites {
  return { logs: [], items: [], steps: [] };
}
