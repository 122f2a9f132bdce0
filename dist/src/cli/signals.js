/** Exits 0 once `shutdown` settles, 1 (logged) if it fails. */
export function exitAfter(logger, shutdown) {
    shutdown.then(() => process.exit(0), (err) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
    });
}
export function exitOnSignals(logger, shutdown) {
    let signals = 0;
    const onSignal = (sig) => {
        if (++signals > 1) {
            logger.warn(`${sig} again: exiting without waiting`);
            process.exit(1);
        }
        exitAfter(logger, shutdown(sig));
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
}
//# sourceMappingURL=signals.js.map