import type { Command } from 'commander';
export declare function registerJobs(program: Command): void;
//# sourceMappingURL=jobs.d.ts.map