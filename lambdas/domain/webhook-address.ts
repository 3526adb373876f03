/**
 * Where a webhook may go: which addresses the platform may connect to when it posts a shop's event, and what a
 * saved endpoint URL names (an address or a name to resolve). Pure: no DNS here; the caller resolves a name and
 * asks about each address it got. Ranges come from ipaddr.js (the parser express's proxy-addr uses), not from
 * bit masks of our own.
 *
 * The rule is an allow-list: only an ordinary public unicast address is reachable. Everything else, private
 * networks, loopback (unless the local runner allows it), link-local (the cloud metadata service at
 * 169.254.169.254), carrier-grade NAT, unique-local, unspecified, multicast, broadcast, and every reserved,
 * documentation, benchmarking or special-purpose block, is refused, whichever way it is spelt: IPv4-mapped
 * IPv6, NAT64 (64:ff9b::/96) and 6to4 (2002::/16) addresses are judged by the IPv4 address they carry.
 */
import ipaddr from 'ipaddr.js';

export interface EgressPolicy {
  /** Loopback receivers (127.0.0.0/8, ::1, localhost) allowed: WEBHOOK_ALLOW_LOOPBACK=1, local runs only. */
  allowLoopback: boolean;
}

/** What the console and the API call an address that may be reached. */
export const PUBLIC = 'public';

/** Our words for ipaddr.js's IPv4 ranges; any range not named here is "special-purpose". */
const IPV4_RANGES: Record<string, string> = {
  unicast: PUBLIC,
  private: 'private',
  loopback: 'loopback',
  linkLocal: 'link-local',
  carrierGradeNat: 'carrier-grade NAT',
  unspecified: 'unspecified',
  broadcast: 'broadcast',
  multicast: 'multicast',
  // 192.0.0.0/24, documentation (192.0.2/24, 198.51.100/24, 203.0.113/24), benchmarking (198.18/15), 240/4.
  reserved: 'reserved',
};

const IPV6_RANGES: Record<string, string> = {
  loopback: 'loopback',
  linkLocal: 'link-local',
  uniqueLocal: 'unique-local',
  unspecified: 'unspecified',
  multicast: 'multicast',
  deprecatedSiteLocal: 'site-local',
  // 2001::/23 (protocol assignments), 2001:db8::/32 and 3fff::/20 (documentation).
  reserved: 'reserved',
  benchmarking: 'reserved',
  // Teredo hides the IPv4 address it tunnels to: nothing a shop's ERP would use, so refused whole.
  teredo: 'Teredo tunnel',
};

/** Global unicast: every public IPv6 address lies in 2000::/3; anything ipaddr.js calls unicast outside it is not. */
const GLOBAL_UNICAST = ipaddr.parseCIDR('2000::/3');
/** The well-known NAT64 prefix carries an IPv4 address in its last 32 bits; the local-use 64:ff9b:1::/48 does not. */
const NAT64_WELL_KNOWN = ipaddr.parseCIDR('64:ff9b::/96');

const ipv4Range = (address: ipaddr.IPv4): string => IPV4_RANGES[address.range()] ?? 'special-purpose';

const embeddedIPv4 = (address: ipaddr.IPv6, from: number): ipaddr.IPv4 =>
  ipaddr.fromByteArray(address.toByteArray().slice(from, from + 4)) as ipaddr.IPv4;

const ipv6Range = (address: ipaddr.IPv6): string => {
  const range = address.range();
  // The same host as the IPv4 address inside: ::ffff:10.0.0.1 is 10.0.0.1.
  if (range === 'ipv4Mapped') return ipv4Range(address.toIPv4Address());
  if (range === 'rfc6052')
    return address.match(NAT64_WELL_KNOWN) ? ipv4Range(embeddedIPv4(address, 12)) : 'NAT64 local-use';
  if (range === '6to4') return ipv4Range(embeddedIPv4(address, 2));
  if (range === 'unicast') return address.match(GLOBAL_UNICAST) ? PUBLIC : 'reserved';
  return IPV6_RANGES[range] ?? 'special-purpose';
};

/** Whether the text is an IP address (in any spelling ipaddr.js reads, IPv6 zone ids included). */
export const isIpAddress = (text: string): boolean => ipaddr.isValid(text);

/**
 * The range an address belongs to in our words: "public" for an ordinary public unicast address, otherwise
 * "private", "loopback", "link-local", "carrier-grade NAT", "unique-local", "unspecified", "multicast", … A
 * text that is not an address is "not an IP address".
 */
export const addressRange = (address: string): string => {
  if (!ipaddr.isValid(address)) return 'not an IP address';
  const parsed = ipaddr.parse(address);
  return parsed.kind() === 'ipv4' ? ipv4Range(parsed as ipaddr.IPv4) : ipv6Range(parsed as ipaddr.IPv6);
};

export const isLoopbackAddress = (address: string): boolean => addressRange(address) === 'loopback';

/**
 * Why the platform must not connect to this address for an endpoint of this scheme (the address's range), or
 * undefined when it may. Plain http goes only to the machine itself: a public address over http is refused too.
 */
export const refusedAddress = (
  address: string,
  protocol: string,
  policy: EgressPolicy,
): string | undefined => {
  const range = addressRange(address);
  if (range === 'loopback') return policy.allowLoopback ? undefined : range;
  if (range !== PUBLIC) return range;
  return protocol === 'https:' ? undefined : range;
};

/** The host of an endpoint URL: an IP address to judge as it is, or a name to resolve first. */
export type EndpointHost = { kind: 'address'; address: string } | { kind: 'name'; name: string };

/**
 * The host of a parsed URL. WHATWG `new URL()` has already turned every IPv4 spelling (0x7f.1, 2130706433,
 * 0177.0.0.1, 127.1, full-width digits) into dotted decimal and lower-cased names; what is left here is the
 * brackets of an IPv6 literal and the trailing dot of a fully qualified name (`localhost.` is localhost).
 */
export const endpointHost = (url: URL): EndpointHost => {
  let host = url.hostname.toLowerCase();
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  host = host.replace(/\.+$/, '');
  return ipaddr.isValid(host) ? { kind: 'address', address: host } : { kind: 'name', name: host };
};

/** `localhost` and names under it (RFC 6761) are the machine itself, whatever a resolver says. */
export const isLoopbackName = (name: string): boolean => name === 'localhost' || name.endsWith('.localhost');

/**
 * What is wrong with this endpoint URL before any name is resolved, or undefined. Checks the scheme (https;
 * plain http only to the machine itself while loopback is allowed) and an IP literal's range; a name other than
 * localhost is left to the resolver (`refusedAddress` on each address it gives).
 */
export const endpointUrlProblem = (url: URL, policy: EgressPolicy): string | undefined => {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must use https';
  const host = endpointHost(url);
  const loopback = host.kind === 'address' ? isLoopbackAddress(host.address) : isLoopbackName(host.name);
  if (url.protocol === 'http:' && !(loopback && policy.allowLoopback))
    return policy.allowLoopback
      ? 'must use https (plain http only to localhost, 127.0.0.1 or [::1])'
      : 'must use https';
  if (host.kind === 'name')
    return loopback && !policy.allowLoopback ? forbiddenMessage(host.name, 'loopback') : undefined;
  const range = refusedAddress(host.address, url.protocol, policy);
  return range ? forbiddenMessage(host.address, range) : undefined;
};

/**
 * Why an address is refused, in a few words: "10.0.0.5 is a private address", "erp.example resolves to a
 * link-local address". It names the host the marketer typed and the range, never the address a name resolved
 * to (the console would otherwise map the network's internal DNS for whoever can save an endpoint).
 */
export const refusalReason = (host: string, range: string, resolved = false): string => {
  const verb = resolved ? 'resolves to' : 'is';
  return range === PUBLIC
    ? `${host} ${verb} a public address, and plain http goes only to the machine itself`
    : `${host} ${verb} ${range === 'unspecified' ? 'an' : 'a'} ${range} address`;
};

/** The save error (400 on `url`) for a refused address. */
export const forbiddenMessage = (host: string, range: string, resolved = false): string =>
  range === PUBLIC
    ? `must use https (${refusalReason(host, range, resolved)})`
    : `must not point to a private or internal address (${refusalReason(host, range, resolved)})`;
