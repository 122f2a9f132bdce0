import { LongrunError } from '../core/errors.ts';
import type { ApiKeyRecord, Store } from '../store/types.ts';
import type { Scope } from './schemas.ts';
export interface AuthInfo {
    keyId: string;
    workspaceId: string;
    scope: Scope;
}
/** One-shot `crypto.hash`: a third of createHash's cost, and it runs on every request. */
export declare function hashKey(key: string): string;
export declare function generateKey(): {
    key: string;
    prefix: string;
    hash: string;
};
export declare function scopeAllows(have: Scope, need: Scope): boolean;
export declare function unauthorized(): LongrunError;
export declare function forbidden(have: Scope, need: Scope): LongrunError;
/**
 * Keys that authenticated recently, by hash. Only successes are kept, so a new key works at once
 * and nothing an attacker sends grows the map past one entry per real key. Bounded all the same.
 */
export declare class KeyCache {
    private readonly ttlMs;
    private readonly maxEntries;
    private readonly entries;
    private readonly touched;
    constructor(ttlMs: number, maxEntries?: number);
    get(hash: string, now: number): AuthInfo | undefined;
    set(hash: string, auth: AuthInfo, now: number): void;
    /**
     * Whether to record a use of this key now: once a minute per key and process, so `lastUsedAt`
     * costs one small write a minute, not one per request.
     */
    shouldTouch(keyId: string, now: number): boolean;
    forgetKey(keyId: string): void;
}
/** The synchronous half of `authenticate`: the key's record if the cache holds it, else undefined. */
export declare function cachedAuth(header: string | undefined, cache: KeyCache): AuthInfo | undefined;
/** Resolves an `Authorization` header to the key's workspace and scope, or throws the one 401. */
export declare function authenticate(store: Store, header: string | undefined, cache?: KeyCache | null): Promise<AuthInfo>;
export declare function createApiKey(store: Store, p: {
    workspace: string;
    scope: Scope;
    name?: string;
}): Promise<{
    key: string;
    record: ApiKeyRecord;
}>;
export declare function toApiKey(r: ApiKeyRecord): {
    id: string;
    name: string;
    workspace: string;
    scope: "read" | "write" | "admin";
    prefix: string;
    createdAt: number;
    revokedAt: number | null;
    lastUsedAt: number | null;
};
//# sourceMappingURL=auth.d.ts.map