// `npm run build` (and `prepare`): compiles src/ and examples/ to dist/ with tsc, copies what tsc
// does not emit (the SQL migrations and the examples' bundled data set), and bundles the dashboard
// into dist/web (scripts/build-web.mjs). A stale dist/ is removed first so a deleted source file
// cannot linger in the package.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

rmSync(join(root, 'dist'), { recursive: true, force: true });
// noEmitOnError: a build with type errors leaves no half-made dist/ behind.
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--noEmitOnError'], {
  stdio: 'inherit',
});
const web = join(root, 'scripts', 'build-web.mjs');
if (existsSync(web)) execFileSync(process.execPath, [web], { stdio: 'inherit' });
for (const dir of ['src/store/sqlite/migrations', 'src/store/postgres/migrations', 'examples/data']) {
  cpSync(join(root, dir), join(root, 'dist', dir), { recursive: true });
}
