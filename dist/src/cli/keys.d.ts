/**
 * `longrun keys create|list|revoke`: key management straight on the store (no server needed), for
 * bootstrapping and for operators. Over HTTP, admin keys use `/api/v1/keys` instead.
 */
import type { Command } from 'commander';
export declare function registerKeys(program: Command): void;
//# sourceMappingURL=keys.d.ts.map