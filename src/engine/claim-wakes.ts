/**
 * When a worker pool has reason to claim. Every `jobsAvailable` notification, poll tick and the
 * start counts as news that work may exist. A claim that came back short records the count it
 * started at; until the count moves, a freed slot has nothing to claim and skips the claim
 * transaction (on SQLite an empty claim costs as much as a full commit, and it sat in every
 * enqueue→start under light load). A store that announces nothing never skips. Slots freed in one
 * turn (a finish batch ends hundreds of jobs at once) make one wake after it.
 *
 * ```ts
 * const wakes = new ClaimWakes(Boolean(store.notifications), () => pool.wake('slot'));
 * const at = wakes.claimStarted();
 * wakes.claimEnded(at, claimed.length === limit);
 * if (!wakes.nothingNew()) claimAgain();
 * ```
 */
export class ClaimWakes {
  private news = 0;
  private shortClaimAt = -1;
  private slotWakeQueued = false;

  constructor(
    /** The store announces every job it makes claimable (it has notifications). */
    private readonly announces: boolean,
    private readonly slotWake: () => void,
  ) {}

  /** A notification, a poll tick or the start: work may exist. */
  heard(): void {
    this.news++;
  }

  /** Call before a claim; hand the result to `claimEnded`. */
  claimStarted(): number {
    return this.news;
  }

  claimEnded(startedAt: number, full: boolean): void {
    this.shortClaimAt = full ? -1 : startedAt;
  }

  /** The last claim came back short and nothing was heard since it started. */
  nothingNew(): boolean {
    return this.announces && this.shortClaimAt === this.news;
  }

  /** A job of the pool ended: one slot wake after the turn, however many end in it. */
  slotFreed(): void {
    if (this.slotWakeQueued) return;
    this.slotWakeQueued = true;
    setImmediate(() => {
      this.slotWakeQueued = false;
      this.slotWake();
    });
  }
}
