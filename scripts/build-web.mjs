// Bundles the dashboard (web/) into dist/web: index.html plus content-hashed app-*.js, app-*.css
// and icon-*.svg, which `longrun serve` caches for a year. Built in a temporary folder and swapped in
// with renames, so a server starting while this runs never reads half a build.
// `node scripts/build-web.mjs [--outdir <dir>]`
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const web = join(root, 'web');
const flag = process.argv.indexOf('--outdir');
const outdir = resolve(flag > 0 ? process.argv[flag + 1] : join(root, 'dist', 'web'));
const tmp = `${outdir}.tmp-${process.pid}`;

rmSync(tmp, { recursive: true, force: true });
mkdirSync(tmp, { recursive: true });

const result = await build({
  entryPoints: [join(web, 'src', 'main.tsx')],
  bundle: true,
  minify: true,
  format: 'esm',
  // Browsers of the last few years: no transpiling of classes, async or optional chaining.
  target: ['es2022', 'chrome100', 'firefox100', 'safari15.4'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  entryNames: 'app-[hash]',
  outdir: tmp,
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"' },
});

const outputs = Object.keys(result.metafile.outputs).map((p) => basename(p));
const js = outputs.find((f) => f.endsWith('.js'));
const css = outputs.find((f) => f.endsWith('.css'));
if (!js || !css) throw new Error(`build-web: expected a .js and a .css output, got ${outputs.join(', ')}`);

const icon = readFileSync(join(web, 'icon.svg'));
const iconName = `icon-${createHash('sha256').update(icon).digest('hex').slice(0, 10)}.svg`;
writeFileSync(join(tmp, iconName), icon);

const html = readFileSync(join(web, 'index.html'), 'utf8')
  .replace('%ICON%', `./${iconName}`)
  .replace('%CSS%', `./${css}`)
  .replace('%JS%', `./${js}`);
if (/%[A-Z]+%/.test(html)) throw new Error('build-web: a placeholder of web/index.html was not filled');
writeFileSync(join(tmp, 'index.html'), html);

const old = `${outdir}.old-${process.pid}`;
if (existsSync(outdir)) renameSync(outdir, old);
renameSync(tmp, outdir);
rmSync(old, { recursive: true, force: true });
console.log(`dashboard: ${outdir} (${js}, ${css})`);
