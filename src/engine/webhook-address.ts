/**
 * The SSRF guard of webhooks: a webhook may only reach public addresses unless the server allows
 * private ones (`allowPrivate`). Checked when a webhook is created (an IP literal, or every address
 * its host resolves to) and again on each delivery, on the very address the socket connects to
 * (`guardedLookup`), so a host that resolves to a public address at creation and to 127.0.0.1
 * later (DNS rebinding) is refused then too.
 *
 * ```ts
 * forbiddenAddress('169.254.169.254'); // 'link-local (cloud metadata)'
 * await checkWebhookUrl('https://hooks.example.com/longrun', { allowPrivate: false });
 * ```
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { LongrunError } from '../core/errors.ts';

const V4: [string, number, string][] = [
  ['0.0.0.0', 8, 'unspecified ("this network")'],
  ['10.0.0.0', 8, 'private (RFC 1918)'],
  ['100.64.0.0', 10, 'shared (CGNAT, RFC 6598)'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local (cloud metadata)'],
  ['172.16.0.0', 12, 'private (RFC 1918)'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.168.0.0', 16, 'private (RFC 1918)'],
  ['198.18.0.0', 15, 'benchmarking (RFC 2544)'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
  ['168.63.129.16', 32, 'cloud metadata (Azure)'],
];
const V6: [string, number, string][] = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['fe80::', 10, 'link-local'],
  ['fc00::', 7, 'unique local (ULA)'],
  ['ff00::', 8, 'multicast'],
];

const lists = new Map<string, BlockList>();
for (const [ranges, type] of [
  [V4, 'ipv4'],
  [V6, 'ipv6'],
] as const) {
  for (const [net, prefix, why] of ranges) {
    const list = lists.get(why) ?? new BlockList();
    lists.set(why, list);
    list.addSubnet(net, prefix, type);
  }
}

/**
 * The IPv4 address an IPv6 one carries, for the forms that reach it: IPv4-mapped (`::ffff:a.b.c.d`,
 * also written `::ffff:7f00:1`), IPv4-compatible (`::a.b.c.d`) and NAT64's well-known prefix.
 */
function embeddedV4(ip: string): string | null {
  const lower = ip.toLowerCase();
  const m = /^(?:::ffff:|::|64:ff9b::)(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/.exec(lower);
  if (!m) return null;
  if (m[1]) return m[1];
  const hi = Number.parseInt(m[2] ?? '0', 16);
  const lo = Number.parseInt(m[3] ?? '0', 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** Why a webhook may not reach this IP address, or null when it is public. */
export function forbiddenAddress(ip: string): string | null {
  const bare = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  const family = isIP(bare);
  if (family === 0) return 'not an IP address';
  if (family === 6) {
    const v4 = embeddedV4(bare);
    if (v4) return forbiddenAddress(v4);
  }
  const type = family === 4 ? 'ipv4' : 'ipv6';
  for (const [why, list] of lists) if (list.check(bare, type)) return why;
  return null;
}

export interface AddressPolicy {
  /** Allow loopback, private, link-local and the other non-public targets (tests, internal networks). */
  allowPrivate: boolean;
}

/** `detail` reads after the field's name: the envelope's message is `url <detail>`. */
function refused(url: string, detail: string): LongrunError {
  return new LongrunError('url_not_allowed', `url ${detail}`, {
    details: [{ path: 'url', message: detail, url }],
  });
}

function resolveAll(host: string): Promise<LookupAddress[]> {
  return new Promise((res, rej) =>
    dnsLookup(host, { all: true, verbatim: true }, (err, addrs) => (err ? rej(err) : res(addrs))),
  );
}

/** Checks a webhook URL at creation: http(s), and a host that is (or resolves only to) public addresses. */
export async function checkWebhookUrl(raw: string, policy: AddressPolicy): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new LongrunError('invalid_input', 'url is not a valid URL', {
      details: [{ path: 'url', message: 'must be an absolute http or https URL' }],
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new LongrunError('invalid_input', 'url must use http or https', {
      details: [{ path: 'url', message: 'must be an absolute http or https URL' }],
    });
  if (policy.allowPrivate) return url;
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (isIP(host)) {
    const why = forbiddenAddress(host);
    if (why) throw refused(raw, `points to a ${why} address, which this server does not allow`);
    return url;
  }
  let addrs: LookupAddress[];
  try {
    addrs = await resolveAll(host);
  } catch (err) {
    throw new LongrunError('invalid_input', `url's host ${host} does not resolve`, {
      details: [{ path: 'url', message: `cannot resolve ${host}: ${(err as Error).message}` }],
    });
  }
  for (const a of addrs) {
    const why = forbiddenAddress(a.address);
    if (why)
      throw refused(
        raw,
        `has the host ${host}, which resolves to ${a.address}, a ${why} address, which this server does not allow`,
      );
  }
  return url;
}

/**
 * A `lookup` for `http.request` that resolves as usual, then refuses the connection when any address
 * it would hand the socket is not public. The socket connects only to addresses checked here.
 */
export function guardedLookup(policy: AddressPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addrs) => {
      if (err) return callback(err, '', 0);
      const list = addrs as LookupAddress[];
      if (!policy.allowPrivate) {
        for (const a of list) {
          const why = forbiddenAddress(a.address);
          if (why) {
            const e = Object.assign(new Error(`${hostname} resolves to ${a.address}, a ${why} address`), {
              code: 'EWEBHOOKADDRESS',
            });
            return callback(e, '', 0);
          }
        }
      }
      if ((options as { all?: boolean }).all)
        return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      const first = list[0];
      if (!first) return callback(new Error(`${hostname} has no address`), '', 0);
      callback(null, first.address, first.family);
    });
  };
}
