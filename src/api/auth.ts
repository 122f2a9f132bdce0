/**
 * API keys: `lr_<prefix>_<secret>`. The prefix (8 hex chars) is public and shown in listings so a
 * person can tell keys apart; the secret is 32 random bytes. Only the SHA-256 of the whole key is
 * stored. A presented key is hashed and looked up by that hash (see `authenticate` for why that is
 * timing-safe).
 *
 * Unknown, revoked, malformed and missing keys all get the same 401 body: the response never tells
 * an attacker which of those it was.
 *
 * A key that checked out is remembered for `keyCacheMs` (default 1 s; `KeyCache`): the lookup was a
 * fifth of the cost of serving a job by id. Revoking through this server's API forgets the key at
 * once; a revocation made elsewhere (the CLI, another API process) takes effect within that time.
 *
 * ```ts
 * const { key, record } = await createApiKey(store, { workspace: 'default', scope: 'admin', name: 'ops' });
 * ```
 */
import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import { LongrunError } from '../core/errors.ts';
import { Credentials } from '../engine/credentials.ts';
import type { ApiKeyRecord, Store } from '../store/types.ts';
import type { GuardedAttempt } from './auth-guard.ts';
import type { Scope } from './schemas.ts';

export interface AuthInfo {
  keyId: string;
  /** The key's name: who did it, for what the API records (a cancel's `cancelledBy`). */
  keyName: string;
  workspaceId: string;
  scope: Scope;
}

/** How often a key's `lastUsedAt` is brought up to date (see `KeyCache.shouldTouch`). */
export const TOUCH_EVERY_MS = 60_000;
/**
 * What a key looks like. The fixed `lr_` and the exact shape are what secret scanners match on
 * (docs/security.md gives the pattern to register).
 */
export const KEY_PATTERN = /^lr_([0-9a-f]{8})_([0-9a-f]{64})$/;
const SCOPE_RANK: Record<Scope, number> = { read: 1, write: 2, admin: 3 };

/** One-shot `crypto.hash`: a third of createHash's cost, and it runs on every request. */
export function hashKey(key: string): string {
  return hash('sha256', key, 'hex');
}

export function generateKey(): { key: string; prefix: string; hash: string } {
  const prefix = randomBytes(4).toString('hex');
  const key = `lr_${prefix}_${randomBytes(32).toString('hex')}`;
  return { key, prefix, hash: hashKey(key) };
}

export function scopeAllows(have: Scope, need: Scope): boolean {
  return SCOPE_RANK[have] >= SCOPE_RANK[need];
}

export function unauthorized(): LongrunError {
  return new LongrunError(
    'unauthorized',
    'a valid API key is required: send "Authorization: Bearer lr_…" (keys are created with `longrun keys create`)',
  );
}

export function forbidden(have: Scope, need: Scope): LongrunError {
  return new LongrunError(
    'forbidden',
    `this operation needs a key with scope "${need}"; this key has "${have}"`,
    {
      details: [{ message: `required scope: ${need}`, required: need, scope: have }],
    },
  );
}

/**
 * Keys that authenticated recently, by hash. Only successes are kept, so a new key works at once
 * and nothing an attacker sends grows the map past one entry per real key (failures are the
 * AuthGuard's, auth-guard.ts). Bounded all the same. `now` is injected so tests can move time.
 */
export class KeyCache {
  private readonly entries = new Map<string, { auth: AuthInfo; until: number }>();
  private readonly touched = new Map<string, number>();
  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
    readonly now: () => number = () => performance.now(),
  ) {}

  get(hash: string, now: number): AuthInfo | undefined {
    const e = this.entries.get(hash);
    if (!e) return undefined;
    if (e.until > now) return e.auth;
    this.entries.delete(hash);
    return undefined;
  }

  set(hash: string, auth: AuthInfo, now: number): void {
    if (this.ttlMs <= 0) return;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(hash, { auth, until: now + this.ttlMs });
  }

  /**
   * Whether to record a use of this key now: once a minute per key and process, so `lastUsedAt`
   * costs one small write a minute, not one per request.
   */
  shouldTouch(keyId: string, now: number): boolean {
    const last = this.touched.get(keyId);
    if (last !== undefined && now - last < TOUCH_EVERY_MS) return false;
    if (this.touched.size >= this.maxEntries) this.touched.clear();
    this.touched.set(keyId, now);
    return true;
  }

  forget(hash: string): void {
    this.entries.delete(hash);
  }

  forgetKey(keyId: string): void {
    for (const [hash, e] of this.entries) if (e.auth.keyId === keyId) this.entries.delete(hash);
  }
}

/** The SHA-256 of the key an `Authorization: Bearer lr_…` header carries, or null if it carries none. */
export function presentedKeyHash(header: string | undefined): string | null {
  const key = /^Bearer[ ]+(\S+)\s*$/i.exec(header ?? '')?.[1];
  return key && KEY_PATTERN.test(key) ? hashKey(key) : null;
}

/** The synchronous half of `authenticate`: the key's record if the cache holds it, else undefined. */
export function cachedAuth(header: string | undefined, cache: KeyCache): AuthInfo | undefined {
  const hash = presentedKeyHash(header);
  return hash === null ? undefined : cache.get(hash, cache.now());
}

/**
 * Resolves an `Authorization` header to the key's workspace and scope, or throws the one 401. A
 * key the cache does not hold is an attempt the guard counts before the store is asked (a 429 when
 * the address is out of attempts); without one, nothing is counted.
 */
export async function authenticate(
  credentials: Credentials,
  header: string | undefined,
  cache: KeyCache | null = null,
  attempt: GuardedAttempt | null = null,
): Promise<AuthInfo> {
  const hash = presentedKeyHash(header);
  const now = cache?.now() ?? performance.now();
  const cached = hash === null ? undefined : cache?.get(hash, now);
  if (cached) return cached;
  attempt?.guard.admit(attempt.address, attempt.setHeader);
  if (hash === null || attempt?.guard.isKnownUnknown(hash)) throw unauthorized();
  const record = await credentials.findKey(hash);
  // The store found the row through an index on the SHA-256 digest; timing there can at most reveal
  // how many leading bytes of an unpredictable digest agree, which says nothing about the secret.
  // The decision itself is a constant-time comparison of the digests.
  if (!record || record.revokedAt !== null || !safeEqualHex(hash, record.hash)) {
    attempt?.guard.rememberUnknown(hash);
    throw unauthorized();
  }
  attempt?.guard.succeeded(attempt.address);
  const auth: AuthInfo = {
    keyId: record.id,
    keyName: record.name,
    workspaceId: record.workspaceId,
    scope: record.scope,
  };
  cache?.set(hash, auth, now);
  // Bookkeeping only: a failure here must not fail the request it rides on.
  if (!cache || cache.shouldTouch(record.id, now)) credentials.touchKey(record.id).catch(() => {});
  return auth;
}

function safeEqualHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A new key, shown this once; its workspace is created when new. */
export async function issueApiKey(
  credentials: Credentials,
  p: { workspace: string; scope: Scope; name?: string },
): Promise<{ key: string; record: ApiKeyRecord }> {
  const { key, prefix, hash } = generateKey();
  const record = await credentials.createKey({
    workspaceId: p.workspace,
    name: p.name ?? `${p.scope} key`,
    scope: p.scope,
    hash,
    prefix,
  });
  return { key, record };
}

/** `issueApiKey` on a store opened without an engine (the CLI's `keys create`, set-up scripts). */
export function createApiKey(
  store: Store,
  p: { workspace: string; scope: Scope; name?: string },
): Promise<{ key: string; record: ApiKeyRecord }> {
  return issueApiKey(new Credentials(store), p);
}

export function toApiKey(r: ApiKeyRecord) {
  return {
    id: r.id,
    name: r.name,
    workspace: r.workspaceName,
    scope: r.scope,
    prefix: r.prefix,
    createdAt: r.createdAt,
    revokedAt: r.revokedAt,
    lastUsedAt: r.lastUsedAt,
  };
}
