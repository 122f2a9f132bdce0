import type { ApiKeyRecord, StoredApiKey } from '../types.ts';
import { type PgContext } from './context.ts';
export declare function workspaceEnsure(ctx: PgContext, p: {
    name: string;
}): Promise<{
    id: string;
    name: string;
    created: boolean;
}>;
export declare function apiKeyCreate(ctx: PgContext, p: {
    workspaceId: string;
    name: string;
    scope: ApiKeyRecord['scope'];
    hash: string;
    prefix: string;
}): Promise<ApiKeyRecord>;
export declare function apiKeyFindByHash(ctx: PgContext, p: {
    hash: string;
}): Promise<StoredApiKey | null>;
export declare function apiKeyList(ctx: PgContext, p: {
    workspaceId?: string;
}): Promise<ApiKeyRecord[]>;
export declare function apiKeyTouch(ctx: PgContext, p: {
    id: string;
}): Promise<void>;
export declare function apiKeyRevoke(ctx: PgContext, p: {
    id: string;
    workspaceId?: string;
}): Promise<boolean>;
//# sourceMappingURL=keys.d.ts.map