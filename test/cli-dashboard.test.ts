/**
 * `longrun serve` serves the built dashboard at `/` with its CSP, and `--no-dashboard` leaves `/`
 * to the API's 404. The dashboard is built by `npm run build` (which `npm install` runs).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DASHBOARD_DIR } from '../src/cli/server.ts';
import { startServe } from './cli-helpers.ts';
import { tempDir } from './helpers.ts';

describe('longrun serve and the dashboard', () => {
  it('finds the build in dist/web', () => {
    assert.ok(
      existsSync(join(DASHBOARD_DIR, 'index.html')),
      `${DASHBOARD_DIR} holds a build (npm run build)`,
    );
  });

  for (const off of [false, true]) {
    it(off ? 'leaves / to the API with --no-dashboard' : 'serves it at / with a CSP', async () => {
      const tmp = tempDir();
      const server = await startServe(join(tmp.dir, 'd.db'), off ? ['--no-dashboard'] : []);
      try {
        const res = await fetch(`${server.url}/`);
        assert.equal(
          server.stdout.some((l) => l.includes(`Dashboard: ${server.url}/`)),
          !off,
        );
        if (off) {
          assert.equal(res.status, 404);
          assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'not_found');
        } else {
          assert.equal(res.status, 200);
          assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self'/);
          assert.match(await res.text(), /<script type="module" src="\.\/app-\w+\.js"/);
        }
      } finally {
        server.proc.kill('SIGTERM');
        await server.exited;
        tmp.cleanup();
      }
    });
  }
});
