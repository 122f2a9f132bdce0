/**
 * One workspace event stream (`GET /api/v1/events`) shared by every view that shows live rows. It
 * runs while at least one view listens and reconnects (with `Last-Event-ID`, so nothing is missed)
 * after the client's own retries give up.
 */
import { signal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import type { StreamEvent } from '../../src/client/types.ts';
import { client, LongrunApiError } from './api.ts';

type Listener = (e: StreamEvent) => void;

const listeners = new Set<Listener>();
let controller: AbortController | null = null;
let stopTimer: ReturnType<typeof setTimeout> | null = null;
let lastEventId: number | undefined;

/** Whether the stream is connected, for the "live" indicator. */
export const connected = signal(false);
/** Job pages whose own event stream is open: they are live without the workspace stream. */
export const jobStreams = signal(0);

/** Changes every 2 s while the page is open, so rates, ETAs and durations of running jobs age. */
export const tick = signal(0);
setInterval(() => {
  tick.value++;
}, 2_000);

async function run(ctrl: AbortController): Promise<void> {
  const mine = () => controller === ctrl;
  while (!ctrl.signal.aborted) {
    try {
      const events = client.workspaceEvents({}, { signal: ctrl.signal, lastEventId, maxReconnects: 3 });
      // The stream opens with a comment, not an event: count it live until it fails.
      if (mine()) connected.value = true;
      for await (const e of events) {
        if (e.id !== null) lastEventId = e.id;
        for (const fn of listeners) fn(e);
      }
    } catch (err) {
      // A 401 means signed out: the session handler takes over, no point retrying.
      if (err instanceof LongrunApiError && (err.status === 401 || err.status === 403)) break;
      // A resume position the server no longer accepts: start again from now.
      if (err instanceof LongrunApiError && err.status === 400) lastEventId = undefined;
    }
    if (mine()) connected.value = false;
    if (!ctrl.signal.aborted) await new Promise((r) => setTimeout(r, 3_000));
  }
  if (mine()) {
    connected.value = false;
    // Signed out: the next subscriber (after signing in again) starts a new stream.
    controller = null;
  }
}

function subscribe(fn: Listener): () => void {
  listeners.add(fn);
  if (stopTimer) clearTimeout(stopTimer);
  stopTimer = null;
  if (!controller) {
    controller = new AbortController();
    void run(controller);
  }
  return () => {
    listeners.delete(fn);
    if (listeners.size > 0) return;
    // Kept a moment: moving from one view to the next must not drop and reopen the stream.
    stopTimer = setTimeout(() => {
      stopTimer = null;
      controller?.abort();
      controller = null;
      lastEventId = undefined;
      connected.value = false;
    }, 5_000);
  };
}

/** Calls `handler` for every workspace event while the component is mounted and `enabled`. */
export function useWorkspaceEvents(handler: Listener, enabled = true): void {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => (enabled ? subscribe((e) => ref.current(e)) : undefined), [enabled]);
}

/** Runs `fn` at most once per `ms`, at the end of a burst of calls (with the latest call). */
export function throttle(fn: () => void, ms: number): { (): void; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const call = () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      fn();
    }, ms);
  };
  call.cancel = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
  return call;
}
