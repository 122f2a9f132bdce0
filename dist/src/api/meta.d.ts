import { type AnyRoute } from './route.ts';
import type { ApiDeps } from './types.ts';
/** `allRoutes` is called lazily so the document includes every route, this file's too. */
export declare function metaRoutes(deps: ApiDeps, allRoutes: () => AnyRoute[], version: string): AnyRoute[];
//# sourceMappingURL=meta.d.ts.map