import type { IpAddress } from './ip-address.ts'

/**
 * Why an address is no place for a proxy exit to connect to. 'public' is the only
 * class an exit may dial. Ranges are from the IANA IPv4 and IPv6 Special-Purpose
 * Address Registries (RFC 6890 and successors).
 */
export type ExitAddressClass =
  | 'public'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'cgnat'
  | 'multicast'
  | 'broadcast'
  | 'reserved'
  | 'benchmarking'
  | 'documentation'
  | 'unique-local'
  | 'tunnel'

interface Range {
  readonly prefix: readonly number[]
  readonly bits: number
  readonly kind: Exclude<ExitAddressClass, 'public'>
}

function v4(text: string, bits: number, kind: Range['kind']): Range {
  return { prefix: text.split('.').map(Number), bits, kind }
}

/** IPv4 special-purpose ranges; the first match wins, so narrower ranges come first. */
const IPV4_RANGES: readonly Range[] = [
  v4('255.255.255.255', 32, 'broadcast'), // limited broadcast, RFC 919 §7
  v4('0.0.0.0', 8, 'unspecified'), // "this network", RFC 791 / RFC 1122 §3.2.1.3
  v4('10.0.0.0', 8, 'private'), // RFC 1918 §3
  v4('100.64.0.0', 10, 'cgnat'), // shared address space, RFC 6598
  v4('127.0.0.0', 8, 'loopback'), // RFC 1122 §3.2.1.3
  v4('169.254.0.0', 16, 'link-local'), // RFC 3927, incl. 169.254.169.254 (cloud metadata)
  v4('172.16.0.0', 12, 'private'), // RFC 1918 §3
  v4('192.0.0.0', 24, 'reserved'), // IETF protocol assignments, RFC 6890 §2.2.2
  v4('192.0.2.0', 24, 'documentation'), // TEST-NET-1, RFC 5737
  v4('192.31.196.0', 24, 'reserved'), // AS112-v4, RFC 7535
  v4('192.52.193.0', 24, 'reserved'), // AMT, RFC 7450
  v4('192.88.99.0', 24, 'reserved'), // deprecated 6to4 relay anycast, RFC 7526
  v4('192.168.0.0', 16, 'private'), // RFC 1918 §3
  v4('192.175.48.0', 24, 'reserved'), // direct delegation AS112, RFC 7534
  v4('198.18.0.0', 15, 'benchmarking'), // RFC 2544
  v4('198.51.100.0', 24, 'documentation'), // TEST-NET-2, RFC 5737
  v4('203.0.113.0', 24, 'documentation'), // TEST-NET-3, RFC 5737
  v4('224.0.0.0', 4, 'multicast'), // RFC 5771
  v4('240.0.0.0', 4, 'reserved'), // future use, RFC 1112 §4
]

function v6(hex: string, bits: number, kind: Range['kind']): Range {
  const words = hex.split(':').map((word) => Number.parseInt(word, 16))
  return { prefix: words.flatMap((word) => [word >> 8, word & 0xff]), bits, kind }
}

/** IPv6 ranges that are not judged by an embedded IPv4 address. */
const IPV6_RANGES: readonly Range[] = [
  v6('64:ff9b:1', 48, 'reserved'), // local-use NAT64, RFC 8215 (translates to anything inside)
  v6('100:0:0:0', 64, 'reserved'), // discard-only, RFC 6666
  v6('2001:0', 32, 'tunnel'), // Teredo, RFC 4380: it can carry a packet anywhere
  v6('2001:2:0', 48, 'benchmarking'), // RFC 5180
  v6('2001:10', 28, 'reserved'), // ORCHID, RFC 4843
  v6('2001:20', 28, 'reserved'), // ORCHIDv2, RFC 7343
  v6('2001:db8', 32, 'documentation'), // RFC 3849
  v6('3fff:0', 20, 'documentation'), // RFC 9637
  v6('5f00', 16, 'reserved'), // SRv6 SIDs, RFC 9602
  v6('fc00', 7, 'unique-local'), // ULA, RFC 4193
  v6('fe80', 10, 'link-local'), // RFC 4291 §2.5.6
  v6('fec0', 10, 'private'), // deprecated site-local, RFC 3879
  v6('ff00', 8, 'multicast'), // RFC 4291 §2.7
]

function matches(bytes: Uint8Array, range: Range): boolean {
  for (let bit = 0; bit < range.bits; bit += 8) {
    const remaining = range.bits - bit
    const mask = remaining >= 8 ? 0xff : (0xff << (8 - remaining)) & 0xff
    const index = bit / 8
    if (((bytes[index] ?? 0) & mask) !== ((range.prefix[index] ?? 0) & mask)) return false
  }
  return true
}

function classifyIpv4(bytes: Uint8Array): ExitAddressClass {
  return IPV4_RANGES.find((range) => matches(bytes, range))?.kind ?? 'public'
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((value, index) => bytes[index] === value)
}

const ZERO_80 = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]

/**
 * Classifies an address an exit might dial. IPv6 forms that carry an IPv4 address are
 * judged by that address: IPv4-mapped `::ffff:a.b.c.d` (RFC 4291 §2.5.5.2),
 * IPv4-translated `::ffff:0:a.b.c.d` (RFC 2765 §2.1), IPv4-compatible `::a.b.c.d`
 * (deprecated, RFC 4291 §2.5.5.1), NAT64 `64:ff9b::a.b.c.d` (RFC 6052) and 6to4
 * `2002:aabb:ccdd::` (RFC 3056). Anything else outside global unicast 2000::/3
 * (RFC 4291 §2.4) is reserved.
 */
export function classifyExitAddress(address: IpAddress): ExitAddressClass {
  const { bytes } = address
  if (address.family === 4) return classifyIpv4(bytes)
  if (bytes.every((byte) => byte === 0)) return 'unspecified' // ::, RFC 4291 §2.5.2
  if (bytes.slice(0, 15).every((byte) => byte === 0) && bytes[15] === 1) return 'loopback' // ::1, RFC 4291 §2.5.3
  if (startsWith(bytes, [...ZERO_80, 0xff, 0xff])) return classifyIpv4(bytes.slice(12))
  if (startsWith(bytes, [...ZERO_80.slice(0, 8), 0xff, 0xff, 0, 0])) return classifyIpv4(bytes.slice(12))
  if (startsWith(bytes, [...ZERO_80, 0, 0])) return classifyIpv4(bytes.slice(12))
  if (startsWith(bytes, [0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0])) return classifyIpv4(bytes.slice(12))
  if (startsWith(bytes, [0x20, 0x02])) return classifyIpv4(bytes.slice(2, 6))
  const special = IPV6_RANGES.find((range) => matches(bytes, range))
  if (special !== undefined) return special.kind
  return ((bytes[0] ?? 0) & 0xe0) === 0x20 ? 'public' : 'reserved'
}
