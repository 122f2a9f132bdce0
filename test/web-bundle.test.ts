/**
 * The dashboard's first load stays within its budget: at most 100 KB of gzipped JavaScript (all of
 * it, since index.html loads one module and nothing is split off), and index.html holds no inline
 * script or style and loads nothing from another origin. Builds into a temporary folder.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { ROOT } from './cli-helpers.ts';
import { tempDir } from './helpers.ts';

const BUDGET = 100 * 1024;

describe('dashboard bundle', () => {
  const tmp = tempDir('longrun-web-bundle-');
  const out = join(tmp.dir, 'web');
  after(() => tmp.cleanup());
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-web.mjs'), '--outdir', out], {
    stdio: 'ignore',
  });
  const files = readdirSync(out);
  const html = readFileSync(join(out, 'index.html'), 'utf8');

  it(`is at most ${BUDGET / 1024} KB of gzipped JavaScript`, () => {
    const js = files.filter((f) => f.endsWith('.js'));
    assert.equal(js.length, 1, 'one module, no chunks');
    const size = (f: string) => gzipSync(readFileSync(join(out, f)), { level: 9 }).length;
    const total = js.reduce((a, f) => a + size(f), 0);
    const css = files.filter((f) => f.endsWith('.css')).reduce((a, f) => a + size(f), 0);
    console.log(
      `dashboard first load: ${(total / 1024).toFixed(1)} KB JS, ${(css / 1024).toFixed(1)} KB CSS (gzipped)`,
    );
    assert.ok(total <= BUDGET, `${total} bytes of gzipped JavaScript is over the ${BUDGET}-byte budget`);
  });

  it('loads only its own hashed files, with no inline script or style', () => {
    const refs = [...html.matchAll(/\s(?:src|href)="([^"]*)"/g)].map((m) => m[1]!);
    assert.ok(refs.length >= 3);
    for (const ref of refs) {
      assert.match(ref, /^\.\/[a-z]+-[A-Za-z0-9]{8,}\.(js|css|svg)$/, ref);
      assert.ok(files.includes(ref.slice(2)), `${ref} exists`);
    }
    for (const tag of html.match(/<script\b[^>]*>/g) ?? []) assert.match(tag, /\bsrc=/);
    assert.doesNotMatch(html, /<style|\sstyle=|\son[a-z]+=|javascript:/i);
  });

  it('never builds HTML from strings in its sources', () => {
    const src = join(ROOT, 'web', 'src');
    const sources = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => /\.tsx?$/.test(f));
    assert.ok(sources.length > 10);
    for (const f of sources) {
      const text = readFileSync(join(src, f), 'utf8');
      const bad = text.match(
        /dangerouslySetInnerHTML|\.(inner|outer)HTML\b|insertAdjacentHTML|document\.write|\beval\(/,
      );
      assert.equal(bad, null, `${f} uses ${bad?.[0]}`);
    }
  });
});
