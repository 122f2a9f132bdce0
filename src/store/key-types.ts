/**
 * The storage side of API keys and dashboard sessions. A key is stored only as the SHA-256 of its
 * secret; a session's cookie token likewise, and a session stands for the key it was made from, so
 * revoking the key ends its sessions. Each store carries these out in its `keys.ts` and
 * `sessions.ts`.
 *
 * ```ts
 * const key = await store.apiKeyCreate({ workspaceId: 'default', name: 'ci', scope: 'write', hash, prefix });
 * const session = await store.sessionCreate({ workspaceId: 'default', keyId: key.id, hash: tokenHash });
 * ```
 */

export interface ApiKeyRecord {
  id: string;
  workspaceId: string;
  workspaceName: string;
  name: string;
  scope: 'read' | 'write' | 'admin';
  prefix: string;
  createdAt: number;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

/** A dashboard session: a cookie's hash stands for the API key it was made from, with its scope. */
export interface SessionRecord {
  id: string;
  workspaceId: string;
  keyId: string;
  keyName: string;
  scope: ApiKeyRecord['scope'];
  createdAt: number;
  lastSeenAt: number;
}

/** A key as the lookup by hash returns it: with its stored hash, for a constant-time comparison. */
export interface StoredApiKey extends ApiKeyRecord {
  hash: string;
}

export interface KeyStore {
  apiKeyCreate(params: {
    workspaceId: string;
    name: string;
    scope: ApiKeyRecord['scope'];
    hash: string;
    prefix: string;
  }): Promise<ApiKeyRecord>;
  apiKeyFindByHash(params: { hash: string }): Promise<StoredApiKey | null>;
  apiKeyList(params: { workspaceId?: string }): Promise<ApiKeyRecord[]>;
  apiKeyRevoke(params: { id: string; workspaceId?: string }): Promise<boolean>;
  /** Records that a key was used now (`lastUsedAt`); never moves it backwards. */
  apiKeyTouch(params: { id: string }): Promise<void>;

  /** A session for a live key of the workspace (`unauthorized` otherwise); `hash` is the token's SHA-256 hex. */
  sessionCreate(params: { workspaceId: string; keyId: string; hash: string }): Promise<SessionRecord>;
  /**
   * The session, or null when it is unknown, revoked, its key is revoked, or it was last seen more
   * than `idleMs` before now (the store's clock).
   */
  sessionFind(params: { hash: string; idleMs: number }): Promise<SessionRecord | null>;
  /** `lastSeenAt` = now; never moves it backwards, and leaves a revoked session alone. */
  sessionTouch(params: { id: string }): Promise<void>;
  /** True when it revoked a session that was not revoked yet (idle or not). */
  sessionRevoke(params: { hash: string }): Promise<boolean>;
  /**
   * Deletes up to `limit` sessions that can never authenticate again: revoked, or last seen more
   * than `idleMs` ago by the store's clock. Returns how many it deleted.
   */
  sessionPurge(params: { idleMs: number; limit: number }): Promise<number>;
}
