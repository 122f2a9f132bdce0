import type { AnyRoute } from './route.ts';
type Json = Record<string, unknown>;
export declare function toOpenApiPath(path: string): string;
export declare function buildOpenApi(routes: AnyRoute[], info: {
    version: string;
    basePath?: string;
}): Json;
export {};
//# sourceMappingURL=openapi.d.ts.map