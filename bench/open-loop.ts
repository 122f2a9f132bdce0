/**
 * An open-loop HTTP load: requests leave on a fixed schedule (`rate` per second) whatever the
 * server is doing, and each latency is measured from the moment its request was *due*, not from
 * when a connection was free to send it. A closed loop (autocannon, wrk) waits for a response
 * before sending the next request, so a server stall delays the requests that would have measured
 * it ("coordinated omission") and its p99 says how long 50 queued requests take, not how long a
 * user waits at a given load. This is the wrk2 method, on raw sockets so a fraction of a core drives
 * 8,000 req/s: the generator sleeps between 1 ms turns instead of spinning, because on a 2-core
 * machine a spinning generator takes a whole core from the server it measures. Requests therefore
 * leave in batches up to a millisecond late, and since each is timed from when it was due, that
 * delay counts against the server.
 *
 * ```ts
 * const r = await openLoop({ url: 'http://127.0.0.1:3000', paths: ['/api/v1/jobs'], rate: 4_000, seconds: 4 });
 * console.log(r.p99, r.rps);
 * ```
 *
 * Responses must carry `Content-Length` (every JSON answer of the API does); one request is in
 * flight per connection (no pipelining), and due requests wait for a free connection in order.
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';

export interface OpenLoopOptions {
  url: string;
  /** Rotated through in order. */
  paths: string[];
  headers?: Record<string, string>;
  /** Requests per second, spread evenly. */
  rate: number;
  seconds: number;
  /** Upper bound of requests in flight (default 50, as in the closed-loop runs). */
  connections?: number;
}

export interface OpenLoopResult {
  /** Responses received within the run (plus the grace period for the last ones). */
  requests: number;
  /** Non-2xx answers and requests that never got an answer. */
  errors: number;
  /** Completed requests per second of schedule. */
  rps: number;
  p50: number;
  p99: number;
  max: number;
  /** Requests that fell due while the load generator itself was stalled (see `STALL_MS`). */
  dueInOwnStall: number;
  /** p99 of the other requests: the server's figure with the generator's own stalls left out. */
  p99WithoutOwnStalls: number;
}

interface Conn {
  socket: net.Socket;
  /** The request in flight (its number). */
  k: number;
  buf: Buffer;
}

const HEADER_END = Buffer.from('\r\n\r\n');
/** How long the last due requests may take before they count as lost. */
const GRACE_MS = 2_000;
/**
 * A gap this long between two turns of the send loop is the generator stalled (a turn comes every
 * 1–1.2 ms: the timer's millisecond plus the responses that arrived). A request that fell due inside one left late
 * through no fault of the server; on a shared machine the generator's CPU stalls as often as the
 * server's, so the result also gives p99 without those requests. They are picked by when they
 * were due, not by how long they took, so leaving them out does not favour fast answers; a
 * response that arrived during a stall and was read late still counts against the server.
 */
const STALL_MS = 3;

export async function openLoop(opts: OpenLoopOptions): Promise<OpenLoopResult> {
  const target = new URL(opts.url);
  const extra = Object.entries(opts.headers ?? {})
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  const requests = opts.paths.map((p) =>
    Buffer.from(`GET ${p} HTTP/1.1\r\nHost: ${target.host}\r\nConnection: keep-alive\r\n${extra}\r\n`),
  );
  const total = Math.round(opts.rate * opts.seconds);
  const interval = 1_000 / opts.rate;
  /** By request number; NaN until answered. */
  const latencies = new Float64Array(total).fill(Number.NaN);
  /** The generator's own stalls, as [from, to) pairs of clock readings. */
  const stalls: number[] = [];
  let done = 0;
  let errors = 0;
  /** Requests sent so far; request k is due at `start + k * interval` and leaves in order. */
  let sent = 0;
  let start = 0;
  const idle: Conn[] = [];
  const dueBy = (now: number) => Math.min(total, Math.floor((now - start) / interval) + 1);

  const send = (c: Conn) => {
    c.k = sent;
    c.socket.write(requests[sent % requests.length]!);
    sent++;
  };
  const onData = (c: Conn, chunk: Buffer) => {
    c.buf = c.buf.length === 0 ? chunk : Buffer.concat([c.buf, chunk]);
    for (;;) {
      const end = c.buf.indexOf(HEADER_END);
      if (end < 0) return;
      const head = c.buf.subarray(0, end).toString('latin1');
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1];
      if (length === undefined) throw new Error(`open-loop: a response without Content-Length:\n${head}`);
      const size = end + 4 + Number(length);
      if (c.buf.length < size) return;
      const status = Number(head.slice(9, 12));
      c.buf = c.buf.subarray(size);
      if (status < 200 || status > 299) errors++;
      const now = performance.now();
      latencies[c.k] = now - (start + c.k * interval);
      done++;
      if (sent < dueBy(now)) send(c);
      else idle.push(c);
    }
  };

  const conns = await Promise.all(
    Array.from(
      { length: opts.connections ?? 50 },
      () =>
        new Promise<Conn>((resolve, reject) => {
          const socket = net.connect(Number(target.port), target.hostname);
          socket.setNoDelay(true);
          const c: Conn = { socket, k: 0, buf: Buffer.alloc(0) };
          socket.once('connect', () => resolve(c));
          socket.once('error', reject);
          socket.on('data', (d: Buffer) => onData(c, d));
        }),
    ),
  );
  idle.push(...conns);

  start = performance.now();
  await new Promise<void>((resolve) => {
    // One turn a millisecond (the timers' resolution) sends everything that fell due since the last;
    // responses are read between turns.
    let last = performance.now();
    const tick = () => {
      const now = performance.now();
      if (now - last > STALL_MS) stalls.push(last, now);
      last = now;
      const due = dueBy(now);
      while (sent < due && idle.length > 0) send(idle.pop()!);
      if (done >= total || now - start > opts.seconds * 1_000 + GRACE_MS) resolve();
      else setTimeout(tick, 1);
    };
    tick();
  });
  for (const c of conns) c.socket.destroy();

  const all: number[] = [];
  const clean: number[] = [];
  let stall = 0;
  for (let k = 0; k < total; k++) {
    const latency = latencies[k]!;
    if (Number.isNaN(latency)) continue;
    const due = start + k * interval;
    while (stall < stalls.length && stalls[stall + 1]! <= due) stall += 2;
    all.push(latency);
    if (!(stall < stalls.length && stalls[stall]! <= due)) clean.push(latency);
  }
  return {
    requests: done,
    errors: errors + (total - done),
    rps: Math.round(done / opts.seconds),
    p50: quantile(all, 0.5),
    p99: quantile(all, 0.99),
    max: quantile(all, 1),
    dueInOwnStall: all.length - clean.length,
    p99WithoutOwnStalls: quantile(clean, 0.99),
  };
}

function quantile(values: number[], q: number): number {
  const sorted = Float64Array.from(values).sort();
  return round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN);
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
