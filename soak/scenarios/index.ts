import { clockSkew, kill9, poison, sigstop, sigterm } from './process.ts';
import type { Scenario } from './types.ts';

/** In the order the table prints them. */
export const SCENARIOS: readonly Scenario[] = [kill9, sigstop, sigterm, poison, clockSkew];
