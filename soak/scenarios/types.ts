import type { SoakEnv, StoreKind } from '../env.ts';

export interface ScenarioContext {
  env: SoakEnv;
  random: () => number;
  quick: boolean;
  seed: number;
}

/** One fault scenario: it starts processes, injects its fault and returns; the runner settles and checks. */
export interface Scenario {
  name: string;
  stores: readonly StoreKind[];
  /** What it does, for the table's legend and docs/reliability.md. */
  about: string;
  /** Left out of `--quick` (the full run and `--only` include it). */
  fullOnly?: boolean;
  /** Runs alone, after every other scenario: its fault reaches beyond its own database. */
  exclusive?: boolean;
  run(c: ScenarioContext): Promise<void>;
}
