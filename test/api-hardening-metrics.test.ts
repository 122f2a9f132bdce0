/**
 * `/metrics` names every workspace with its job counts: it needs an admin key of the operator's
 * workspace, and the series read from the store come from a snapshot that a flood of scrapes
 * refreshes at most twice back to back and then once per 5 s (the budget's clock is injected).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApiKey } from '../src/api/auth.ts';
import { createMetrics } from '../src/api/metrics.ts';
import { fakeClock } from '../src/core/clock.ts';
import { bearer, type CountedFixture, countedFixture } from './api-hardening-helpers.ts';
import { expectError } from './api-helpers.ts';

describe('/metrics', () => {
  const clock = fakeClock(30_000_000);
  let f: CountedFixture;
  before(async () => {
    f = await countedFixture({
      count: ['jobCounts', 'eventList'],
      configure: (longrun) => ({ metrics: createMetrics(longrun, { refresh: { now: () => clock.now() } }) }),
    });
  });
  after(() => f.close());

  const scrape = (key: string | null, path = '/metrics') =>
    f.app.request(path, { headers: key ? bearer(key) : {} });

  it("needs an admin key of the operator's workspace", async () => {
    await expectError(await scrape(null), 401, 'unauthorized');
    await expectError(await scrape(f.keys.read), 403, 'forbidden', /scope \\"admin\\"/);
    await expectError(await scrape(f.keys.write), 403, 'forbidden');
    const tenant = await createApiKey(f.store, { workspace: 'tenant', scope: 'admin' });
    await expectError(await scrape(tenant.key), 403, 'forbidden', /admin key of workspace \\"default\\"/);
    const ok = await scrape(f.keys.admin);
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('cache-control'), 'no-store');
    assert.match(await ok.text(), /^# HELP longrun_jobs /m);
    assert.equal((await scrape(f.keys.admin, '/metrics?_=1712345678')).status, 200, 'a cache-buster is fine');
  });

  it('reads the store for at most a burst of scrapes, then once per 5 s', async () => {
    clock.advance(60_000); // a full budget
    f.calls.jobCounts = 0;
    const { job } = await f.longrun.enqueue('test.idle', {});
    for (let i = 0; i < 100; i++) assert.equal((await scrape(f.keys.admin)).status, 200);
    const perRefresh = f.calls.jobCounts / 2;
    assert.ok(Number.isInteger(perRefresh) && perRefresh >= 1, `jobCounts calls: ${f.calls.jobCounts}`);

    // The snapshot holds; a job created now shows only once the budget allows the next refresh.
    await f.longrun.enqueue('test.idle', {});
    const pending = async () =>
      Number(
        /^longrun_jobs\{workspace="default",status="pending",category="export"\} (\d+)$/m.exec(
          await (await scrape(f.keys.admin)).text(),
        )?.[1],
      );
    assert.equal(await pending(), 1, `the snapshot still has job ${job.id} alone`);
    clock.advance(4_999);
    assert.equal(await pending(), 1);
    assert.equal(f.calls.jobCounts, 2 * perRefresh, 'no refresh before 5 s');
    clock.advance(1);
    assert.equal(await pending(), 2);
    assert.equal(f.calls.jobCounts, 3 * perRefresh, 'one more refresh');
  });
});
