import type { ApiKeyRecord, StoredApiKey } from '../types.ts';
import type { SqliteContext } from './context.ts';
export declare function workspaceEnsure(ctx: SqliteContext, p: {
    name: string;
}): {
    id: string;
    name: string;
    created: boolean;
};
export declare function apiKeyCreate(ctx: SqliteContext, p: {
    workspaceId: string;
    name: string;
    scope: ApiKeyRecord['scope'];
    hash: string;
    prefix: string;
}): ApiKeyRecord;
export declare function apiKeyFindByHash(ctx: SqliteContext, p: {
    hash: string;
}): StoredApiKey | null;
export declare function apiKeyList(ctx: SqliteContext, p: {
    workspaceId?: string;
}): ApiKeyRecord[];
export declare function apiKeyTouch(ctx: SqliteContext, p: {
    id: string;
}): void;
export declare function apiKeyRevoke(ctx: SqliteContext, p: {
    id: string;
    workspaceId?: string;
}): boolean;
//# sourceMappingURL=keys.d.ts.map