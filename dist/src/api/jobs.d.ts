import { type AnyRoute } from './route.ts';
import type { ApiDeps } from './types.ts';
export declare function jobRoutes(deps: ApiDeps): AnyRoute[];
//# sourceMappingURL=jobs.d.ts.map