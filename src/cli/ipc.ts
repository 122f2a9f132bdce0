/**
 * Calls and one-way messages between the processes of `longrun serve --http-processes N`, over
 * Node's IPC channel (a cluster worker object on the primary's side, `process` on the worker's).
 * Messages carry `lr` so anything else on the channel (cluster's own traffic) passes by.
 *
 * ```ts
 * const peer = new IpcPeer(ipcOfWorker(worker));
 * peer.handle('snapshot', () => metrics.snapshot());
 * const text = await peer.call<string>('metrics', null);
 * ```
 */
import type { Worker } from 'node:cluster';

type Message =
  | { lr: 'call'; id: number; op: string; arg: unknown }
  | { lr: 'reply'; id: number; ok: boolean; value: unknown }
  | { lr: 'tell'; op: string; arg: unknown };

export interface IpcChannel {
  send(message: Message): void;
  onMessage(listener: (message: unknown) => void): void;
}

export function ipcOfWorker(worker: Worker): IpcChannel {
  return {
    send: (m) => {
      if (worker.isConnected()) worker.send(m);
    },
    onMessage: (l) => worker.on('message', l),
  };
}

export function ipcOfParent(): IpcChannel {
  return {
    send: (m) => {
      if (process.connected) process.send?.(m);
    },
    onMessage: (l) => process.on('message', l),
  };
}

function isMessage(m: unknown): m is Message {
  return typeof m === 'object' && m !== null && 'lr' in m;
}

export class IpcPeer {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private readonly handlers = new Map<string, (arg: never) => unknown>();

  constructor(private readonly channel: IpcChannel) {
    channel.onMessage((m) => {
      if (isMessage(m)) void this.receive(m);
    });
  }

  handle<A>(op: string, fn: (arg: A) => unknown): void {
    this.handlers.set(op, fn as (arg: never) => unknown);
  }

  tell(op: string, arg: unknown = null): void {
    this.channel.send({ lr: 'tell', op, arg });
  }

  call<T>(op: string, arg: unknown = null): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.channel.send({ lr: 'call', id, op, arg });
    });
  }

  /** Fails every call still waiting: the other side is gone. */
  disconnected(): void {
    for (const w of this.waiting.values()) w.reject(new Error('the other process is gone'));
    this.waiting.clear();
  }

  private async receive(m: Message): Promise<void> {
    if (m.lr === 'reply') {
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (m.ok) w?.resolve(m.value);
      else w?.reject(new Error(String(m.value)));
      return;
    }
    const fn = this.handlers.get(m.op);
    if (m.lr === 'tell') {
      fn?.(m.arg as never);
      return;
    }
    try {
      if (!fn) throw new Error(`no handler for ${m.op}`);
      this.channel.send({ lr: 'reply', id: m.id, ok: true, value: await fn(m.arg as never) });
    } catch (err) {
      this.channel.send({ lr: 'reply', id: m.id, ok: false, value: (err as Error).message });
    }
  }
}
