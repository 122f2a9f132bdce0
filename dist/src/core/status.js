/**
 * The job status machine, in one place. The stores encode the same rules in SQL (CHECK constraints
 * and a trigger that freezes terminal states); this module is what the engine and API consult.
 *
 * ```ts
 * canTransition('pending', 'running'); // true
 * canTransition('completed', 'running'); // false: terminal states never change
 * ```
 */
export const JOB_STATUSES = ['pending', 'running', 'completed', 'failed', 'cancelled'];
export const TERMINAL_STATUSES = ['completed', 'failed', 'cancelled'];
/** `running → pending` is a retry (or a release on shutdown): it comes back with a later `runAt`. */
const TRANSITIONS = {
    pending: ['running', 'cancelled'],
    running: ['pending', 'completed', 'failed', 'cancelled'],
    completed: [],
    failed: [],
    cancelled: [],
};
export function isJobStatus(value) {
    return JOB_STATUSES.includes(value);
}
export function isTerminal(status) {
    return TERMINAL_STATUSES.includes(status);
}
export function canTransition(from, to) {
    return TRANSITIONS[from].includes(to);
}
/** Why an attempt ended; recorded on every attempt row. */
export const ATTEMPT_OUTCOMES = [
    'completed',
    'failed',
    'crashed',
    'timed_out',
    'cancelled',
    'released',
];
//# sourceMappingURL=status.js.map