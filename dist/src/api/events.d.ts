import { type AnyRoute } from './route.ts';
import type { ApiDeps } from './types.ts';
export declare function eventRoutes(deps: ApiDeps): AnyRoute[];
//# sourceMappingURL=events.d.ts.map