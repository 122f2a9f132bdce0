/**
 * The open-loop load generator behind the HTTP bench's p99 figures (bench/open-loop.ts): a server
 * stall must show in the latencies of every request that fell due during it (a closed loop would
 * hide all but one per connection), and the generator's own stalls must be told apart.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { openLoop } from '../bench/open-loop.ts';

/** Answers at once, except that the request `/stall` freezes the process for 200 ms first. */
const SERVER = `
const http = require('node:http');
const server = http.createServer((req, res) => {
  if (req.url === '/stall') Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
  res.writeHead(200, { 'content-length': 2 });
  res.end('ok');
});
server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));`;

describe('open-loop load generator', () => {
  let child: ChildProcess;
  let url = '';

  before(async () => {
    child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [port] = (await once(child.stdout!, 'data')) as [Buffer];
    url = `http://127.0.0.1:${String(port).trim()}`;
  });
  after(() => {
    child.kill();
  });

  it('times every request from when it was due, so a server stall counts for all it delayed', async () => {
    // 500 req/s for 1.2 s; request 250 (at 0.5 s) stalls the server for 200 ms, during which about
    // 100 more fall due. Each waits for the rest of the stall: p99 (the 7th slowest) sits near
    // 200 ms. With 4 connections, timing from the moment of sending would see only 4 of them wait.
    const paths = Array.from({ length: 600 }, (_, k) => (k === 250 ? '/stall' : '/'));
    const r = await openLoop({ url, paths, rate: 500, seconds: 1.2, connections: 4 });
    assert.equal(r.requests, 600);
    assert.equal(r.errors, 0);
    assert.ok(r.p50 < 20, `p50 ${r.p50} ms: most requests are answered at once`);
    assert.ok(r.p99 > 100, `p99 ${r.p99} ms must show the 200 ms stall`);
    assert.ok(r.max >= 150, `max ${r.max} ms`);
  });

  it("leaves out the requests that fell due while the generator's own process stalled", async () => {
    const run = openLoop({ url, paths: ['/'], rate: 500, seconds: 1.2 });
    // Freeze this process (the generator) for 200 ms, half a second in.
    setTimeout(() => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200), 500);
    const r = await run;
    assert.equal(r.errors, 0);
    assert.ok(r.dueInOwnStall >= 80, `${r.dueInOwnStall} requests fell due in the generator's 200 ms stall`);
    assert.ok(r.p99 > 100, `p99 ${r.p99} ms counts them`);
    assert.ok(r.p99WithoutOwnStalls < r.p99 / 2, `p99 without them: ${r.p99WithoutOwnStalls} ms`);
  });
});
