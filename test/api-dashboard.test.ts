/**
 * The dashboard's built assets served by the API app: `/` is index.html, hashed assets are cached
 * for a year, every answer carries the CSP, and API paths stay the API's.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DASHBOARD_CSP } from '../src/api/dashboard.ts';
import { type ApiFixture, apiFixture, expectError } from './api-helpers.ts';
import { tempDir } from './helpers.ts';

const web = tempDir('longrun-web-');
let fx: ApiFixture;
let bare: ApiFixture;

before(async () => {
  mkdirSync(join(web.dir, 'assets'));
  writeFileSync(
    join(web.dir, 'index.html'),
    '<!doctype html><script type="module" src="/assets/app-1a2b3c4d.js"></script>',
  );
  writeFileSync(join(web.dir, 'assets', 'app-1a2b3c4d.js'), 'console.log(1)');
  fx = await apiFixture({ dashboard: { dir: web.dir } });
  bare = await apiFixture({ dashboard: { dir: join(web.dir, 'missing') } });
});
after(async () => {
  await fx.close();
  await bare.close();
  web.cleanup();
});

describe('the dashboard assets', () => {
  it('serve index.html at / with the CSP, revalidated every time', async () => {
    const res = await fx.req('/', { key: null });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(res.headers.get('content-security-policy'), DASHBOARD_CSP);
    assert.doesNotMatch(DASHBOARD_CSP, /unsafe-inline|unsafe-eval/);
    assert.equal(res.headers.get('cache-control'), 'no-cache');
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
    assert.match(await res.text(), /app-1a2b3c4d\.js/);
    const again = await fx.req('/', { key: null, headers: { 'if-none-match': res.headers.get('etag')! } });
    assert.equal(again.status, 304);
  });

  it('cache hashed assets for a year', async () => {
    const res = await fx.req('/assets/app-1a2b3c4d.js', { key: null });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  });

  it('leave every other path to the API', async () => {
    await expectError(await fx.req('/assets/other.js', { key: null }), 404, 'not_found');
    await expectError(await fx.req('/api/v1/nope', { key: null }), 404, 'not_found');
    assert.equal((await fx.req('/api/v1/jobs')).status, 200);
  });

  it('are absent when the dashboard is not built', async () => {
    await expectError(await bare.req('/', { key: null }), 404, 'not_found');
  });
});
