import { cancelRaces, enqueueKill, streamsThroughRestart } from './api.ts';
import {
  backendKills,
  blackhole5s,
  blackhole30s,
  blackholeLease,
  pgRestart,
  poolExhaustion,
} from './postgres.ts';
import { clockSkew, kill9, poison, sigstop, sigterm } from './process.ts';
import { ambiguousCommit, storeErrors } from './store-faults.ts';
import type { Scenario } from './types.ts';

/** In the order the table prints them. */
export const SCENARIOS: readonly Scenario[] = [
  kill9,
  sigstop,
  sigterm,
  poison,
  clockSkew,
  storeErrors,
  ambiguousCommit,
  cancelRaces,
  enqueueKill,
  streamsThroughRestart,
  blackhole5s,
  blackholeLease,
  blackhole30s,
  backendKills,
  poolExhaustion,
  pgRestart,
];
