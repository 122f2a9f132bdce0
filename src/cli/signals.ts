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
export function exitAfter(logger: Logger, shutdown: Promise<void>): void {
  shutdown.then(
    () => process.exit(0),
    (err: unknown) => {
      logger.error({ err }, 'shutdown failed');
      process.exit(1);
    },
  );
}

export function exitOnSignals(logger: Logger, shutdown: (sig: NodeJS.Signals) => Promise<void>): void {
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    if (++signals > 1) {
      logger.warn(`${sig} again: exiting without waiting`);
      process.exit(1);
    }
    exitAfter(logger, shutdown(sig));
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
