/**
 * One HTTP attempt of a webhook delivery: POST the body, signed, to the webhook's URL through the
 * SSRF guard (webhook-address.ts), with a timeout; no redirects are followed (a 3xx is a failure,
 * as Standard Webhooks says). The answer's body is read and dropped, at most 64 KiB of it.
 *
 * ```ts
 * const outcome = await sendWebhook({ url, headers, body, timeoutMs: 10_000, policy: { allowPrivate: false } });
 * ```
 */
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { type AddressPolicy, forbiddenAddress, guardedLookup } from './webhook-address.ts';

export interface SendOutcome {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
}

const MAX_ANSWER_BYTES = 64 * 1024;

export function sendWebhook(p: {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  policy: AddressPolicy;
}): Promise<SendOutcome> {
  return new Promise((resolve) => {
    let url: URL;
    try {
      url = new URL(p.url);
    } catch {
      return resolve({ ok: false, statusCode: null, error: 'invalid URL' });
    }
    // An IP literal never goes through `lookup`: check it here.
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    const why = isIP(host) && !p.policy.allowPrivate ? forbiddenAddress(host) : null;
    if (why) return resolve({ ok: false, statusCode: null, error: `refused: ${host} is a ${why} address` });
    const lib = url.protocol === 'https:' ? https : http;
    let settled = false;
    const done = (o: SendOutcome) => {
      if (settled) return;
      settled = true;
      resolve(o);
    };
    const req = lib.request(url, {
      method: 'POST',
      headers: {
        ...p.headers,
        'content-length': String(Buffer.byteLength(p.body)),
        'user-agent': 'Longrun-Webhooks',
      },
      lookup: guardedLookup(p.policy),
      timeout: p.timeoutMs,
      agent: false,
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${p.timeoutMs} ms`)));
    req.on('error', (err) => done({ ok: false, statusCode: null, error: err.message.slice(0, 500) }));
    req.on('response', (res) => {
      const code = res.statusCode ?? 0;
      let read = 0;
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > MAX_ANSWER_BYTES) res.destroy();
      });
      const finish = () => {
        const ok = code >= 200 && code < 300;
        done({ ok, statusCode: code, error: ok ? null : `HTTP ${code}` });
      };
      res.on('end', finish);
      res.on('close', finish);
      res.on('error', finish);
    });
    req.end(p.body);
  });
}
