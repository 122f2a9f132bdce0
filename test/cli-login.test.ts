/**
 * `longrun login` / `logout` and where remote commands get their URL and key: flags > LONGRUN_URL
 * and LONGRUN_KEY > the profile (mode 0600) > http://localhost:3000.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { configDir, DEFAULT_URL, profilePath, resolveConnection } from '../src/cli/profile.ts';
import { cli, type Server, startServe } from './cli-helpers.ts';
import { tempDir } from './helpers.ts';

describe('where remote commands find the server and key', () => {
  const profile = { url: 'http://prod:3000', key: 'lr_profile' };

  it('takes each from flags, then the environment, then the profile, then the default URL', () => {
    const env = { LONGRUN_URL: 'http://env:3000', LONGRUN_KEY: 'lr_env' };
    assert.deepEqual(resolveConnection({ url: 'http://flag:3000', key: 'lr_flag' }, env, profile), {
      url: 'http://flag:3000',
      key: 'lr_flag',
    });
    assert.deepEqual(resolveConnection({}, env, profile), { url: 'http://env:3000', key: 'lr_env' });
    assert.deepEqual(resolveConnection({}, {}, profile), profile);
    assert.deepEqual(resolveConnection({}, {}, null), { url: DEFAULT_URL, key: undefined });
    assert.deepEqual(resolveConnection({}, { LONGRUN_KEY: 'lr_env' }, profile), {
      url: 'http://prod:3000',
      key: 'lr_env',
    });
  });

  it("sends the profile's key only to the profile's server", () => {
    assert.equal(resolveConnection({ url: 'http://other:3000' }, {}, profile).key, undefined);
    assert.equal(resolveConnection({}, { LONGRUN_URL: 'http://other:3000' }, profile).key, undefined);
    assert.equal(resolveConnection({ url: 'http://prod:3000/' }, {}, profile).key, 'lr_profile');
  });

  it('keeps the profile under LONGRUN_CONFIG_DIR, else XDG_CONFIG_HOME/longrun, else ~/.config/longrun', () => {
    assert.equal(configDir({ LONGRUN_CONFIG_DIR: '/x', XDG_CONFIG_HOME: '/y' }), '/x');
    assert.equal(profilePath({ XDG_CONFIG_HOME: '/y' }), '/y/longrun/config.json');
    assert.equal(profilePath({}), join(homedir(), '.config', 'longrun', 'config.json'));
  });
});

describe('longrun login and logout', () => {
  let tmp: ReturnType<typeof tempDir>;
  let server: Server;
  let env: Record<string, string>;
  let file: string;
  before(async () => {
    tmp = tempDir('longrun-login-');
    server = await startServe(join(tmp.dir, 'login.db'));
    const dir = join(tmp.dir, 'config');
    env = { LONGRUN_CONFIG_DIR: dir, LONGRUN_URL: '', LONGRUN_KEY: '' };
    file = join(dir, 'config.json');
  });
  after(() => {
    if (server.proc.exitCode === null) server.proc.kill('SIGKILL');
    tmp.cleanup();
  });

  it('refuses a key the server refuses, and writes nothing', async () => {
    const res = await cli(['login', '--url', server.url, '--key', 'lr_00000000_nope'], env);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /unauthorized/);
    assert.ok(!existsSync(file));
    assert.equal((await cli(['login', '--url', 'ftp://x', '--key', 'k'], env)).code, 2);
    assert.equal((await cli(['login', '--url', server.url], env)).code, 2, 'no key');
  });

  it('writes the profile with mode 0600, and the jobs commands use it', async () => {
    // A profile left readable by an older version or by hand is narrowed again.
    mkdirSync(join(tmp.dir, 'config'), { recursive: true });
    writeFileSync(file, '{}', { mode: 0o644 });
    const res = await cli(['login', '--url', `${server.url}/`, '--key', server.key!], env);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /logged in to http:\/\/127\.0\.0\.1:\d+ /);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { url: server.url, key: server.key });

    const list = await cli(['jobs', 'list', '--json'], env);
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual(JSON.parse(list.stdout), []);
  });

  it('lets the environment and flags override the profile', async () => {
    const badEnv = await cli(['jobs', 'list'], { ...env, LONGRUN_KEY: 'lr_00000000_nope' });
    assert.equal(badEnv.code, 1, 'LONGRUN_KEY beats the profile');
    assert.match(badEnv.stderr, /unauthorized/);
    const flag = await cli(['jobs', 'list', '--key', server.key!], {
      ...env,
      LONGRUN_KEY: 'lr_00000000_nope',
    });
    assert.equal(flag.code, 0, '--key beats LONGRUN_KEY');
    const elsewhere = await cli(['jobs', 'list', '--url', 'http://127.0.0.1:1'], env);
    assert.equal(elsewhere.code, 2, "another server does not get the profile's key");
    assert.match(elsewhere.stderr, /an API key for http:\/\/127\.0\.0\.1:1 is required/);
  });

  it('logout removes the profile', async () => {
    const res = await cli(['logout'], env);
    assert.equal(res.code, 0);
    assert.match(res.stdout, /removed /);
    assert.ok(!existsSync(file));
    assert.match((await cli(['logout'], env)).stdout, /not logged in/);
    assert.equal((await cli(['jobs', 'list'], env)).code, 2, 'no key anywhere');
  });
});
