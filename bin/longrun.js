#!/usr/bin/env node
// The `longrun` command: the compiled CLI, run by plain Node (`npm run build` makes dist/).
try {
  await import('../dist/src/cli/main.js');
} catch (err) {
  if (err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/src/cli/main.js')) {
    console.error('error: longrun is not built: run `npm run build` in its folder (a checkout needs it)');
    process.exit(1);
  }
  throw err;
}
