#!/usr/bin/env node
// The CLI run from source through tsx, for tests and benchmarks in a checkout: no build step, and
// job modules may be TypeScript. Users run bin/longrun.js, the compiled CLI on plain Node.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
