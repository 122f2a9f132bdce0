import { type AnyRoute } from './route.ts';
import type { ApiDeps } from './types.ts';
export declare function keyRoutes(deps: ApiDeps): AnyRoute[];
//# sourceMappingURL=keys.d.ts.map