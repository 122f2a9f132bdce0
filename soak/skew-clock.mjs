// Preloaded into a worker to skew its JavaScript clock by $LONGRUN_SOAK_SKEW_MS: the database's
// clock must decide every lease, so nothing about the run may change.
const skew = Number(process.env.LONGRUN_SOAK_SKEW_MS ?? 0);
const realNow = Date.now;
Date.now = () => realNow() + skew;
