/**
 * The event streams open in this process, by the key (and credential) that opened them. It does
 * two jobs:
 *
 * - **Caps.** At most `maxStreamsPerKey` streams per key and `maxStreams` in the process; past
 *   either, `429 too_many_streams` with `Retry-After`. A stream holds a socket and a read loop for as
 *   long as its client likes, so without a cap one key could hold the process's sockets.
 * - **Revocation.** A stream authenticates once, when it opens, and may then run for days; the key
 *   cache's one-second trust does not reach it. So while streams are open, their credentials are
 *   checked again against the store every `revalidateMs` (default 500 ms): one lookup per distinct
 *   key or session per interval, however many streams it holds. A revoked key, a revoked or idle
 *   session, ends its streams with an `error` event (`unauthorized`) within that interval plus one
 *   lookup: well within 1 s, also when the revoke was written by another process or straight to
 *   the store (`longrun keys revoke`). A revoke or sign-out through this process ends them at once.
 *
 * ```ts
 * const slot = streams.open({ keyId, credential: { kind: 'key', hash } }); // or throws the 429
 * sseResponse({ signals: [slot.signal], onEnd: slot.release, … }, produce);
 * ```
 */
import { LongrunError } from '../core/errors.ts';
import { SESSION_IDLE_MS } from '../core/session.ts';
import type { Credentials } from '../engine/credentials.ts';

/** What authenticated a stream: a Bearer key or a dashboard session, by the SHA-256 of its secret. */
export interface StreamCredential {
  kind: 'key' | 'session';
  hash: string;
}

export interface StreamSlot {
  /** Aborted, with the `unauthorized` error as its reason, when the credential stops being valid. */
  readonly signal: AbortSignal;
  /** Frees the slot; call once the stream is over (idempotent). */
  release(): void;
}

export interface StreamLimits {
  /** Streams open at once in this process (default 5,000). */
  maxStreams: number;
  /** Streams open at once per API key in this process, a key's sessions included (default 500). */
  maxStreamsPerKey: number;
  /** How often open streams' credentials are checked against the store (default 500 ms). */
  revalidateMs: number;
}

/** Why a stream ended under its client: sent as its last event, and the reconnect then gets the 401. */
function revoked(): LongrunError {
  return new LongrunError('unauthorized', "this stream's key or session was revoked or has expired");
}

/** A client refused for the cap may try again after this; a slot frees when any stream ends. */
const RETRY_AFTER_S = 5;

interface Entry {
  keyId: string;
  credential: StreamCredential;
  abort: AbortController;
}

export class StreamRegistry {
  private readonly entries = new Set<Entry>();
  private readonly perKey = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private failing = false;

  constructor(
    private readonly credentials: Credentials,
    private readonly limits: StreamLimits,
    private readonly hooks: {
      /** A credential found revoked: the app's caches forget it too, so its next request is a 401. */
      onInvalid(credential: StreamCredential): void;
      onError(err: unknown): void;
    },
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** A slot for a new stream, or `too_many_streams` (its `Retry-After` is set through `setHeader`). */
  open(
    p: { keyId: string; credential: StreamCredential },
    setHeader: (name: string, value: string) => void,
  ): StreamSlot {
    const ofKey = this.perKey.get(p.keyId) ?? 0;
    const full =
      this.entries.size >= this.limits.maxStreams
        ? `this server holds its maximum of ${this.limits.maxStreams} event streams`
        : ofKey >= this.limits.maxStreamsPerKey
          ? `this key already holds its maximum of ${this.limits.maxStreamsPerKey} event streams`
          : null;
    if (full) {
      setHeader('Retry-After', String(RETRY_AFTER_S));
      throw new LongrunError('too_many_streams', `${full}; close one or retry later`, {
        details: [
          {
            message: full,
            maxStreams: this.limits.maxStreams,
            maxStreamsPerKey: this.limits.maxStreamsPerKey,
          },
        ],
      });
    }
    const entry: Entry = { keyId: p.keyId, credential: p.credential, abort: new AbortController() };
    this.entries.add(entry);
    this.perKey.set(p.keyId, ofKey + 1);
    this.schedule();
    let released = false;
    return {
      signal: entry.abort.signal,
      release: () => {
        if (released) return;
        released = true;
        this.entries.delete(entry);
        const left = (this.perKey.get(p.keyId) ?? 1) - 1;
        if (left > 0) this.perKey.set(p.keyId, left);
        else this.perKey.delete(p.keyId);
      },
    };
  }

  /** Ends the streams of a key revoked through this process, sessions made from it included. */
  endKey(keyId: string): void {
    for (const e of this.entries) if (e.keyId === keyId) e.abort.abort(revoked());
  }

  /** Ends the streams of one credential (a session signed out through this process). */
  endCredential(hash: string): void {
    for (const e of this.entries) if (e.credential.hash === hash) e.abort.abort(revoked());
  }

  private schedule(): void {
    if (this.timer || this.entries.size === 0) return;
    this.timer = setTimeout(() => {
      void this.revalidate().finally(() => {
        this.timer = null;
        this.schedule();
      });
    }, this.limits.revalidateMs);
    this.timer.unref();
  }

  /** One lookup per distinct credential of the open streams; ends those that no longer hold. */
  private async revalidate(): Promise<void> {
    const byHash = new Map<string, StreamCredential>();
    for (const e of this.entries) byHash.set(e.credential.hash, e.credential);
    try {
      const verdicts = await Promise.all(
        [...byHash.values()].map(async (c) => [c.hash, await this.stillValid(c)] as const),
      );
      this.failing = false;
      for (const [hash, valid] of verdicts) {
        if (valid) continue;
        this.hooks.onInvalid(byHash.get(hash)!);
        this.endCredential(hash);
      }
    } catch (err) {
      // A store that does not answer leaves the streams as they are (they cannot read events
      // either); said once per outage, not every interval.
      if (!this.failing) this.hooks.onError(err);
      this.failing = true;
    }
  }

  private async stillValid(c: StreamCredential): Promise<boolean> {
    if (c.kind === 'session') return (await this.credentials.findSession(c.hash, SESSION_IDLE_MS)) !== null;
    const key = await this.credentials.findKey(c.hash);
    return key !== null && key.revokedAt === null;
  }
}
