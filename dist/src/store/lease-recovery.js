import { num } from "./rows.js";
export function planRecovery(lease, now, retryDelayMs) {
    const { attempt } = lease;
    const reason = `lease held by ${lease.leaseOwner} expired at ${new Date(lease.leaseExpiresAt).toISOString()} without a heartbeat`;
    let to;
    if (lease.status === 'cancelled')
        to = 'cancelled';
    else if (attempt - lease.releasedAttempts < lease.maxAttempts)
        to = 'pending';
    else
        to = 'failed';
    const next = to === 'pending' ? `; retrying as attempt ${attempt + 1}` : to === 'failed' ? '; no attempts left' : '';
    return {
        to,
        runAt: to === 'pending' ? now + retryDelayMs(attempt) : null,
        reason,
        logMessage: `attempt ${attempt} crashed: ${reason}${next}`,
        errorMessage: `attempt ${attempt} crashed: ${reason}`,
    };
}
/** The lease facts of a reaper's row (same column names on both backends). */
export function expiredLease(r) {
    return {
        status: r.status,
        attempt: num(r.attempt),
        releasedAttempts: num(r.released_attempts),
        maxAttempts: num(r.max_attempts),
        leaseOwner: r.lease_owner == null ? null : String(r.lease_owner),
        leaseExpiresAt: num(r.lease_expires_at),
    };
}
//# sourceMappingURL=lease-recovery.js.map