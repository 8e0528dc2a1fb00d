import { BlockList, isIP } from 'node:net'

/**
 * Addresses that only make sense on the network they are seen from: a client or node
 * there is "local" (the demo network, an office LAN), wherever GeoIP would put it.
 * node:net's BlockList does the matching, and it matches IPv4 rules against
 * IPv4-mapped IPv6 addresses (`::ffff:10.0.0.1`, RFC 4291 §2.5.5.2), which is how a
 * dual-stack socket reports an IPv4 client.
 */
const LOCAL_NETWORKS = new BlockList()
LOCAL_NETWORKS.addSubnet('127.0.0.0', 8, 'ipv4') // loopback, RFC 1122 §3.2.1.3
LOCAL_NETWORKS.addSubnet('10.0.0.0', 8, 'ipv4') // private, RFC 1918 §3
LOCAL_NETWORKS.addSubnet('172.16.0.0', 12, 'ipv4') // private, RFC 1918 §3
LOCAL_NETWORKS.addSubnet('192.168.0.0', 16, 'ipv4') // private, RFC 1918 §3
LOCAL_NETWORKS.addSubnet('169.254.0.0', 16, 'ipv4') // link-local, RFC 3927
LOCAL_NETWORKS.addSubnet('100.64.0.0', 10, 'ipv4') // shared address space (CGNAT), RFC 6598
LOCAL_NETWORKS.addAddress('::1', 'ipv6') // loopback, RFC 4291 §2.5.3
LOCAL_NETWORKS.addSubnet('fe80::', 10, 'ipv6') // link-local, RFC 4291 §2.5.6
LOCAL_NETWORKS.addSubnet('fc00::', 7, 'ipv6') // unique local (ULA), RFC 4193

/** What an address string is, for routing purposes. */
export type AddressClass = 'invalid' | 'local' | 'public'

/**
 * Classifies a client or node address. 'invalid' for anything node:net does not parse
 * as an IP (hostnames, ranges, empty, zone ids like "fe80::1%eth0", which name an
 * interface on one host and never a client).
 */
export function classifyAddress(ip: string): AddressClass {
  if (typeof ip !== 'string' || ip.includes('%')) return 'invalid'
  const version = isIP(ip)
  if (version === 0) return 'invalid'
  return LOCAL_NETWORKS.check(ip, version === 4 ? 'ipv4' : 'ipv6') ? 'local' : 'public'
}

