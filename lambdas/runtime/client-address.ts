/**
 * The address of the client behind a request, for per-address limits, in one canonical spelling.
 *
 * Behind CloudFront, API Gateway's sourceIp is a CloudFront edge; CloudFront names the viewer in
 * CloudFront-Viewer-Address ("ip:port", the port after the last colon, IPv6 without brackets).
 * lambdas/runtime/http.ts calls this only once the origin header verified, that is once the caller is known to
 * be CloudFront, which sets that header itself: a caller that could write it has already been refused.
 */
import ipaddr from 'ipaddr.js';

export const VIEWER_ADDRESS_HEADER = 'cloudfront-viewer-address';

/**
 * One spelling per address: IPv6 as RFC 5952 (lower case, zeros compressed, no zone), IPv4-mapped IPv6
 * (::ffff:192.0.2.1) as the IPv4 address it is. Anything that is not an address is returned as given.
 */
export const canonicalAddress = (address: string): string => {
  if (!ipaddr.isValid(address)) return address;
  const parsed = ipaddr.process(address);
  return parsed.kind() === 'ipv6'
    ? new ipaddr.IPv6((parsed as ipaddr.IPv6).parts).toString()
    : parsed.toString();
};

/** The viewer's address from CloudFront-Viewer-Address, or undefined when it names no address. */
export const viewerAddress = (header: string | undefined): string | undefined => {
  const match = /^\[?([0-9A-Fa-f.:]+?)\]?:\d{1,5}$/.exec(header?.trim() ?? '');
  return match && ipaddr.isValid(match[1]) ? canonicalAddress(match[1]) : undefined;
};

/** The client's address: the viewer CloudFront names, else the connection's own source address. */
export const clientAddress = (viewerAddressHeader: string | undefined, sourceIp: string): string =>
  viewerAddress(viewerAddressHeader) ?? canonicalAddress(sourceIp);
