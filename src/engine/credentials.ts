/**
 * API keys and dashboard sessions, as the engine offers them (`longrun.credentials`): what the HTTP
 * API authenticates against. Keys and sessions are stored as SHA-256 hashes only; generating and
 * hashing secrets is the API's (api/auth.ts), so nothing here ever sees one.
 *
 * ```ts
 * const key = await longrun.credentials.findKey(hashKey(presented));
 * ```
 */
import type { ApiKeyRecord, SessionRecord, Store, StoredApiKey } from '../store/types.ts';

export class Credentials {
  constructor(private readonly store: Store) {}

  /** Creates the key's workspace when it is new, then the key. */
  async createKey(p: {
    workspaceId: string;
    name: string;
    scope: ApiKeyRecord['scope'];
    hash: string;
    prefix: string;
  }): Promise<ApiKeyRecord> {
    await this.store.workspaceEnsure({ name: p.workspaceId });
    return this.store.apiKeyCreate(p);
  }

  /** The unrevoked key with this hash, with its stored hash for a constant-time comparison. */
  findKey(hash: string): Promise<StoredApiKey | null> {
    return this.store.apiKeyFindByHash({ hash });
  }

  /** A workspace's keys, oldest first; every workspace's without one. */
  listKeys(workspaceId?: string): Promise<ApiKeyRecord[]> {
    return this.store.apiKeyList({ workspaceId });
  }

  /** True when it revoked a live key of the workspace. */
  revokeKey(p: { id: string; workspaceId: string }): Promise<boolean> {
    return this.store.apiKeyRevoke(p);
  }

  /** Records a use of the key (`lastUsedAt`). */
  touchKey(id: string): Promise<void> {
    return this.store.apiKeyTouch({ id });
  }

  createSession(p: { workspaceId: string; keyId: string; hash: string }): Promise<SessionRecord> {
    return this.store.sessionCreate(p);
  }

  /** The live session with this hash, unless it has been idle longer than `idleMs`. */
  findSession(hash: string, idleMs: number): Promise<SessionRecord | null> {
    return this.store.sessionFind({ hash, idleMs });
  }

  touchSession(id: string): Promise<void> {
    return this.store.sessionTouch({ id });
  }

  revokeSession(hash: string): Promise<boolean> {
    return this.store.sessionRevoke({ hash });
  }
}
