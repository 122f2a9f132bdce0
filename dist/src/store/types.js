/**
 * The storage interface every backend implements (`store/sqlite`, `store/postgres`). Methods read
 * entity-then-verb and take one params object. Every write a worker makes is fenced by a `Lease`
 * (job id + attempt + token): when the lease is no longer the job's current one, the write changes
 * nothing and the method reports it. The conformance suite (`test/store-conformance.ts`) runs the
 * same tests against each backend.
 *
 * ```ts
 * const [claimed] = await store.jobClaim({ workerId: 'w1', limit: 1, types: ['seo.publish'], leaseMs: 30_000 });
 * await store.jobWrite({ writes: [{ lease: claimed.lease, progress: { total: 10 } }] });
 * ```
 */
export {};
//# sourceMappingURL=types.js.map