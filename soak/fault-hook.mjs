// Preloaded into a real `longrun worker` (node --import soak/fault-hook.mjs …): makes the CLI's
// store factory (src/store/open.ts) return stores wrapped by soak/faulty-store.ts.
import { register } from 'node:module';

register('./fault-loader.mjs', import.meta.url);
