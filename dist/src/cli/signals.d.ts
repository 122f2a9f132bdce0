/**
 * SIGTERM/SIGINT for the long-running commands: the first signal runs `shutdown` and exits 0 (1 if
 * it fails); a second one exits 1 at once, for an operator who will not wait for the drain.
 *
 * ```ts
 * exitOnSignals(logger, async () => { await longrun.stop({ graceMs }); await store.close(); });
 * ```
 */
import type { Logger } from 'pino';
/** Exits 0 once `shutdown` settles, 1 (logged) if it fails. */
export declare function exitAfter(logger: Logger, shutdown: Promise<void>): void;
export declare function exitOnSignals(logger: Logger, shutdown: (sig: NodeJS.Signals) => Promise<void>): void;
//# sourceMappingURL=signals.d.ts.map