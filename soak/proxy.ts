/**
 * A TCP proxy between the workers and PostgreSQL that can delay, blackhole and reset connections,
 * as a flaky network would.
 *
 * - `blackhole()`: connections stay open but nothing moves either way, and new ones are accepted
 *   and never answered, as when packets are dropped; `heal()` lets the held bytes through, as TCP
 *   retransmission would once the path is back.
 * - `reset()`: every open connection is torn down with a TCP RST.
 * - `delayMs`: each chunk is forwarded that much later.
 *
 * ```ts
 * const proxy = await FaultProxy.start(5432);
 * proxy.blackhole(); await sleep(5_000); proxy.heal();
 * ```
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

interface Pair {
  client: Socket;
  upstream: Socket | null;
}

export class FaultProxy {
  private readonly pairs = new Set<Pair>();
  private held = false;
  delayMs = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly target: number,
  ) {}

  static async start(target: number): Promise<FaultProxy> {
    let proxy: FaultProxy | null = null;
    const server = createServer((client) => proxy?.accept(client));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    proxy = new FaultProxy(server, (server.address() as { port: number }).port, target);
    return proxy;
  }

  private accept(client: Socket): void {
    const pair: Pair = { client, upstream: null };
    this.pairs.add(pair);
    client.on('error', () => {});
    client.on('close', () => {
      this.pairs.delete(pair);
      pair.upstream?.destroy();
    });
    if (this.held) client.pause();
    else this.link(pair);
  }

  private link(pair: Pair): void {
    const upstream = connect(this.target, '127.0.0.1');
    pair.upstream = upstream;
    upstream.on('error', () => {});
    upstream.on('close', () => pair.client.destroy());
    this.forward(pair.client, upstream);
    this.forward(upstream, pair.client);
  }

  private forward(from: Socket, to: Socket): void {
    from.on('data', (chunk) => {
      if (this.delayMs > 0) setTimeout(() => to.write(chunk), this.delayMs);
      else to.write(chunk);
    });
  }

  blackhole(): void {
    this.held = true;
    for (const p of this.pairs) {
      p.client.pause();
      p.upstream?.pause();
    }
  }

  heal(): void {
    this.held = false;
    for (const p of this.pairs) {
      if (!p.upstream) this.link(p);
      p.client.resume();
      p.upstream?.resume();
    }
  }

  reset(): void {
    for (const p of this.pairs) {
      p.client.resetAndDestroy();
      p.upstream?.destroy();
    }
  }

  async close(): Promise<void> {
    this.reset();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
