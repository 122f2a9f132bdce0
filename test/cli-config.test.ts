/** `longrun serve` configuration: flags > env > config file > defaults, and clear errors. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  ConfigError,
  configFromEnv,
  configFromFlags,
  DEFAULT_CONFIG,
  loadConfig,
  parseRateLimit,
  readConfigFile,
  resolveConfig,
} from '../src/cli/config.ts';
import { describeDb, isPostgresUrl } from '../src/cli/store.ts';
import { tempDir } from './helpers.ts';

describe('serve configuration', () => {
  it('defaults: ./data/longrun.db, port 3000, examples on, rate limit 1200/200', () => {
    const c = resolveConfig({});
    assert.deepEqual(c, DEFAULT_CONFIG);
    assert.equal(c.db, './data/longrun.db');
    assert.equal(c.port, 3000);
    assert.equal(c.examples, true);
    assert.deepEqual(c.rateLimit, { perMinute: 1_200, burst: 200 });
  });

  it('takes flags over env over file over defaults, setting by setting', () => {
    const tmp = tempDir();
    try {
      writeFileSync(
        join(tmp.dir, 'longrun.config.json'),
        JSON.stringify({ port: 4001, workers: 3, db: 'file.db', examples: false }),
      );
      const env = { LONGRUN_PORT: '4002', LONGRUN_DB: 'env.db' };
      const c = loadConfig({ port: '4003' }, { env, cwd: tmp.dir });
      assert.equal(c.port, 4003, 'flag beats env and file');
      assert.equal(c.db, 'env.db', 'env beats file');
      assert.equal(c.workers, 3, 'file beats default');
      assert.equal(c.examples, false, 'file beats default');
      assert.equal(c.host, '0.0.0.0', 'default when nobody sets it');
      const flagsOnly = loadConfig({ examples: true, db: 'flag.db' }, { env, cwd: tmp.dir });
      assert.equal(flagsOnly.examples, true);
      assert.equal(flagsOnly.db, 'flag.db');
    } finally {
      tmp.cleanup();
    }
  });

  it('serves the dashboard unless --no-dashboard, LONGRUN_DASHBOARD=false or "dashboard": false', () => {
    assert.equal(resolveConfig({}).dashboard, true);
    assert.equal(configFromEnv({ LONGRUN_DASHBOARD: 'false' }).dashboard, false);
    assert.equal(configFromFlags({ dashboard: false }).dashboard, false);
    const tmp = tempDir();
    try {
      writeFileSync(join(tmp.dir, 'longrun.config.json'), JSON.stringify({ dashboard: false }));
      assert.equal(loadConfig({}, { env: {}, cwd: tmp.dir }).dashboard, false);
    } finally {
      tmp.cleanup();
    }
  });

  it('reads LONGRUN_* and DATABASE_URL, LONGRUN_DB first', () => {
    assert.deepEqual(configFromEnv({ DATABASE_URL: 'postgres://u:p@h/db' }), { db: 'postgres://u:p@h/db' });
    assert.equal(configFromEnv({ DATABASE_URL: 'postgres://x', LONGRUN_DB: 'a.db' }).db, 'a.db');
    assert.deepEqual(
      configFromEnv({ LONGRUN_WORKERS: '16', LONGRUN_EXAMPLES: 'false', LONGRUN_RATE_LIMIT: 'off' }),
      {
        workers: 16,
        examples: false,
        rateLimit: false,
      },
    );
  });

  it('rejects nonsense with a message naming the source', () => {
    assert.throws(
      () => configFromEnv({ LONGRUN_PORT: 'eighty' }),
      (e: Error) => e instanceof ConfigError && /LONGRUN_PORT/.test(e.message),
    );
    assert.throws(() => configFromFlags({ workers: '-1' }), /--workers/);
    assert.equal(configFromFlags({ workers: '0' }).workers, 0, '0 serves the API only');
    assert.throws(() => configFromFlags({ httpProcesses: '0' }), /--http-processes/);
    assert.throws(() => configFromEnv({ LONGRUN_HTTP_PROCESSES: 'many' }), /LONGRUN_HTTP_PROCESSES/);
    assert.equal(configFromEnv({ LONGRUN_HTTP_PROCESSES: '4' }).httpProcesses, 4);
    assert.equal(configFromFlags({ httpProcesses: '2' }).httpProcesses, 2);
    assert.throws(() => loadConfig({ httpProcesses: '2', db: ':memory:' }, { env: {} }), /:memory:/);
    assert.throws(() => parseRateLimit('fast', '--rate-limit'), /--rate-limit/);
    assert.deepEqual(parseRateLimit('600/50', 'x'), { perMinute: 600, burst: 50 });
    const tmp = tempDir();
    try {
      const file = join(tmp.dir, 'c.json');
      writeFileSync(file, JSON.stringify({ prot: 1 }));
      assert.throws(() => readConfigFile(file), /prot/);
      writeFileSync(file, '{');
      assert.throws(() => readConfigFile(file), ConfigError);
      assert.throws(() => readConfigFile(join(tmp.dir, 'missing.json')), /does not exist/);
      assert.deepEqual(readConfigFile(undefined, tmp.dir), {}, 'the default file is optional');
    } finally {
      tmp.cleanup();
    }
  });

  it('tells SQLite paths from PostgreSQL URLs and hides passwords in logs', () => {
    assert.ok(isPostgresUrl('postgres://localhost/test'));
    assert.ok(isPostgresUrl('postgresql://u@h/db'));
    assert.ok(!isPostgresUrl('./data/longrun.db'));
    assert.equal(describeDb('postgres://me:secret@db:5432/x'), 'postgres://me:***@db:5432/x');
  });
});
