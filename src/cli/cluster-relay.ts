/**
 * Store notifications across the processes of `longrun serve --http-processes N`: on SQLite each
 * process's commits reach the others through the primary, so an SSE stream in an HTTP process hears
 * a job a worker in the primary is running, and the primary's workers hear a job created in an HTTP
 * process, as promptly as in one process. PostgreSQL's LISTEN/NOTIFY crosses processes by itself,
 * so its store takes no relay.
 */
import type { Worker } from 'node:cluster';
import type { NotificationRelay, StoreSignal } from '../store/types.ts';
import type { IpcPeer } from './ipc.ts';

/**
 * A `NotificationRelay` that sends at most one batch per turn of the event loop: a process
 * committing thousands of times a second costs the others one message per turn, not per commit.
 */
export class SignalRelay implements NotificationRelay {
  private pending: StoreSignal[] = [];
  private readonly listeners = new Set<(signal: StoreSignal) => void>();

  constructor(private readonly send: (signals: StoreSignal[]) => void) {}

  publish(signal: StoreSignal): void {
    if (signal.name !== 'jobCancelled' && this.pending.some((p) => p.name === signal.name)) return;
    if (this.pending.length === 0) {
      setImmediate(() => {
        const batch = this.pending;
        this.pending = [];
        this.send(batch);
      });
    }
    this.pending.push(signal);
  }

  subscribe(deliver: (signal: StoreSignal) => void): () => void {
    this.listeners.add(deliver);
    return () => this.listeners.delete(deliver);
  }

  deliver(signals: StoreSignal[]): void {
    for (const signal of signals) for (const listener of this.listeners) listener(signal);
  }
}

/** The primary's relay: its commits go to every HTTP process. */
export function primaryRelay(children: ReadonlyMap<Worker, IpcPeer>): SignalRelay {
  return new SignalRelay((signals) => {
    for (const peer of children.values()) peer.tell('signals', signals);
  });
}

/** On the primary: an HTTP process's commits reach the primary's store and every other HTTP process. */
export function relayFrom(
  worker: Worker,
  peer: IpcPeer,
  relay: SignalRelay,
  children: ReadonlyMap<Worker, IpcPeer>,
): void {
  peer.handle<StoreSignal[]>('signals', (signals) => {
    relay.deliver(signals);
    for (const [other, p] of children) if (other !== worker) p.tell('signals', signals);
  });
}

/** In an HTTP process: its commits go to the primary, and everyone else's come back from it. */
export function childRelay(peer: IpcPeer): SignalRelay {
  const relay = new SignalRelay((signals) => peer.tell('signals', signals));
  peer.handle<StoreSignal[]>('signals', (signals) => relay.deliver(signals));
  return relay;
}
