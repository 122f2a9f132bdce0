/**
 * `/metrics` across the processes of `longrun serve --http-processes N`: whichever HTTP process a
 * scrape reaches asks the primary, which adds up its own series (workers and what is read from the
 * store) and every HTTP process's (requests, writes, runtime), so one scrape sees the whole server.
 */
import type { Worker } from 'node:cluster';
import { type ApiMetrics, createMetrics, type MetricsSnapshot, renderSnapshots } from '../api/metrics.ts';
import type { Longrun } from '../engine/longrun.ts';
import type { IpcPeer } from './ipc.ts';

/** A process that does not answer a metrics call within this is left out of that scrape. */
const SNAPSHOT_TIMEOUT_MS = 2_000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((r) => {
    timer = setTimeout(() => r(null), ms);
  });
  return Promise.race([promise.catch(() => null), timeout]).finally(() => clearTimeout(timer));
}

/** On the primary: answers an HTTP process's scrape with `own` and every HTTP process's snapshot. */
export function sumMetrics(peer: IpcPeer, own: ApiMetrics, children: ReadonlyMap<Worker, IpcPeer>): void {
  peer.handle('metrics', async () => {
    const others = await Promise.all(
      [...children.values()].map((p) =>
        withTimeout(p.call<MetricsSnapshot>('snapshot'), SNAPSHOT_TIMEOUT_MS),
      ),
    );
    return renderSnapshots([await own.snapshot(), ...others.filter((s) => s !== null)]);
  });
}

/**
 * In an HTTP process: its own series, handed to the primary on request, and a `render` that
 * answers a scrape with the primary's sum.
 */
export function processMetrics(peer: IpcPeer, longrun: Longrun): ApiMetrics {
  const metrics = createMetrics(longrun, { processOnly: true });
  peer.handle('snapshot', () => metrics.snapshot());
  return { ...metrics, render: () => peer.call<string>('metrics') };
}
